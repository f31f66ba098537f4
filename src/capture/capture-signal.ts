import type { OpenView } from '../model/capture-state';

/**
 * A tab as the browser describes it when a signal arrives. Only asked for (`tabs.get`, which
 * costs milliseconds while the browser is busy loading a page) when the machine does not
 * know the tab yet: see `needsTabSnapshot`.
 */
export interface TabSnapshot {
  id: number;
  windowId: number;
  active: boolean;
  url?: string;
  title?: string;
  incognito: boolean;
  openerTabId?: number;
  /** Plays sound the user hears: `audible` and not muted. */
  audible?: boolean;
}

export type IdleState = 'active' | 'idle' | 'locked';

/**
 * The browser signals the capture machine understands, each with the time it arrived.
 * The adapter (`capture-adapter.ts`) makes them from the real browser events.
 */
export type CaptureSignal =
  | {
      /** A worker started with no capture state saved: a new browser session, or a worker stopped early. */
      type: 'startup';
      at: number;
      focusedWindowId: number | null;
      activeTabs: TabSnapshot[];
      idle: IdleState;
      paused: boolean;
      /** A view left open by a crash or shutdown, from the durable heartbeat. */
      orphanView?: OpenView | null;
      /**
       * A view an earlier worker of this same browser session left open, stopped before its
       * state was saved: it goes on if its page is still in front, else it is completed.
       */
      resumedView?: OpenView | null;
    }
  | { type: 'tabActivated'; at: number; tabId: number; windowId: number; tab?: TabSnapshot }
  /** The tab moved to another window (dragged out, or into an existing window). */
  | { type: 'tabAttached'; at: number; tabId: number; windowId: number }
  | {
      type: 'tabTitleChanged';
      at: number;
      tabId: number;
      title: string;
      /**
       * The tab's URL when the title was reported. A title is only taken for the page at that
       * URL: Firefox replays the events that woke a suspended event page listener by listener,
       * so the next page's title can arrive before the commit that ends the current view.
       */
      url?: string;
    }
  | { type: 'tabRemoved'; at: number; tabId: number }
  | { type: 'tabReplaced'; at: number; removedTabId: number; tab: TabSnapshot }
  | { type: 'windowFocusChanged'; at: number; windowId: number | null; activeTab?: TabSnapshot }
  | {
      type: 'navigationCommitted';
      at: number;
      tabId: number;
      tab?: TabSnapshot;
      frameId: number;
      url: string;
      transitionType?: string;
      /** Chromium only: 'prerender' for a page loaded speculatively, unseen. */
      documentLifecycle?: string;
    }
  | {
      type: 'historyStateUpdated';
      at: number;
      tabId: number;
      tab?: TabSnapshot;
      frameId: number;
      url: string;
      /** Back or forward through the history (`transitionQualifiers` has `forward_back`). */
      forwardBack?: boolean;
    }
  | { type: 'fragmentUpdated'; at: number; tabId: number; frameId: number; url: string }
  | { type: 'navigationTargetCreated'; at: number; sourceTabId: number; tabId: number }
  | { type: 'idleStateChanged'; at: number; state: IdleState }
  /** The tab started or stopped playing sound the user hears (`audible`, `mutedInfo`). */
  | { type: 'tabAudibleChanged'; at: number; tabId: number; audible: boolean }
  /** A settling page's settle time is over (the adapter's timer). */
  | { type: 'settleDue'; at: number }
  | { type: 'pauseChanged'; at: number; paused: boolean }
  | { type: 'settingsChanged'; at: number }
  | { type: 'heartbeat'; at: number };
