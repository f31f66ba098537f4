import { toWireTimestamp, type RecordedEvent } from '../model/activity-event';
import { isHostAllowed, type HostLists } from '../privacy/host-filter';
import { recordableUrl } from '../privacy/recordable-url';
import type { SearchRule } from '../settings/settings';
import type { CaptureSignal, TabSnapshot } from './capture-signal';
import { initialCaptureState, type CaptureState, type OpenView, type Page } from './capture-state';
import { pageTitle } from './page-title';

/** The settings capture follows; the privacy ones (design.md §6) keep their `Settings` names. */
export interface CaptureConfig extends HostLists {
  logPrivateWindows: boolean;
  searchRules: readonly SearchRule[];
  stripAllQueryStrings: boolean;
  extraSecretParams: readonly string[];
  logFileUrls: boolean;
}

export interface CaptureDeps {
  /** A fresh event id (UUIDv7) for an event recorded at `at`. */
  newId: (at: number) => string;
}

export interface CaptureStep {
  state: CaptureState;
  /** What to record, in order. */
  events: RecordedEvent[];
}

// Transitions after which the previous page of the tab is the referrer (design.md §3).
const REFERRING_TRANSITIONS = new Set(['link', 'form_submit']);

/**
 * The capture rules of design.md §2–§3 as a pure function: the state before, one browser
 * signal and the settings in, the state after and the events to record out. No browser
 * calls and no clock inside: time comes with the signal.
 *
 * The core is `reconcile`: after every signal, the page that is *seen* — in the active tab of
 * the focused window, while the user is not idle and logging is not paused — is compared with
 * the open view. A view that no longer matches is completed; a seen page without a view
 * starts one (or, for a results page, records its SEARCH once).
 */
export function applySignal(
  before: CaptureState,
  signal: CaptureSignal,
  config: CaptureConfig,
  deps: CaptureDeps,
): CaptureStep {
  const machine = new Machine(structuredClone(before), config, deps, signal.at);
  machine.apply(signal);
  machine.reconcile();
  return { state: machine.state, events: machine.events };
}

class Machine {
  readonly events: RecordedEvent[] = [];

  constructor(
    public state: CaptureState,
    private readonly config: CaptureConfig,
    private readonly deps: CaptureDeps,
    private readonly at: number,
  ) {
    // Any signal shows the browser was alive with the view open until now.
    if (state.view) state.view.lastAliveAt = Math.max(state.view.lastAliveAt, at);
  }

  apply(signal: CaptureSignal): void {
    const { state } = this;
    switch (signal.type) {
      case 'startup': {
        if (signal.orphanView) this.complete(signal.orphanView, signal.orphanView.lastAliveAt);
        this.state = { ...initialCaptureState(), nextNavId: state.nextNavId };
        this.state.focusedWindowId = signal.focusedWindowId;
        this.state.idle = signal.idle !== 'active';
        this.state.paused = signal.paused;
        for (const tab of signal.activeTabs) this.learn(tab);
        return;
      }
      case 'tabActivated':
        this.learn(signal.tab);
        state.activeTabs[signal.tab.windowId] = signal.tab.id;
        return;
      case 'tabTitleChanged': {
        const page = state.tabs[signal.tabId]?.page;
        const title = page && pageTitle(signal.title, page.rawUrl);
        if (!page || !title) return;
        // The title of another page of this tab (reported before its commit reached us).
        if (signal.url !== undefined && withoutFragment(signal.url) !== withoutFragment(page.rawUrl)) return;
        page.title = title;
        if (state.view?.tabId === signal.tabId && state.view.navId === page.navId) {
          state.view.title = title;
        }
        return;
      }
      case 'tabRemoved':
        this.forget(signal.tabId);
        return;
      case 'tabReplaced': {
        // A prerendered or preloaded tab swapped in: the new tab shows a new page.
        this.forget(signal.removedTabId);
        this.learn(signal.tab);
        const record = state.tabs[signal.tab.id]!;
        if (record.page?.fromSnapshot) record.page.fromSnapshot = false;
        return;
      }
      case 'windowFocusChanged':
        state.focusedWindowId = signal.windowId;
        if (signal.activeTab) this.learn(signal.activeTab);
        return;
      case 'navigationCommitted':
        if (signal.frameId !== 0 || signal.documentLifecycle === 'prerender') return;
        this.navigate(signal.tab, signal.url, signal.transitionType);
        return;
      case 'historyStateUpdated': {
        if (signal.frameId !== 0) return;
        this.learn(signal.tab);
        const page = state.tabs[signal.tab.id]!.page;
        // A single-page app starts a new view when path or query change, not the fragment,
        // and pushState with the same URL again is the same page.
        if (page && withoutFragment(page.rawUrl) === withoutFragment(signal.url)) {
          page.rawUrl = signal.url;
          return;
        }
        this.navigate(signal.tab, signal.url, 'link');
        return;
      }
      case 'fragmentUpdated': {
        const page = signal.frameId === 0 ? state.tabs[signal.tabId]?.page : undefined;
        if (page) page.rawUrl = signal.url;
        return;
      }
      case 'navigationTargetCreated': {
        const record = state.tabs[signal.tabId];
        if (record) record.openerTabId = signal.sourceTabId;
        else {
          const source = state.tabs[signal.sourceTabId];
          state.tabs[signal.tabId] = {
            windowId: source?.windowId ?? -1,
            incognito: source?.incognito ?? false,
            openerTabId: signal.sourceTabId,
            page: null,
          };
        }
        return;
      }
      case 'idleStateChanged':
        // `locked` counts as idle (design.md §3).
        state.idle = signal.state !== 'active';
        return;
      case 'pauseChanged':
        state.paused = signal.paused;
        return;
      case 'settingsChanged':
      case 'heartbeat':
        return;
    }
  }

  /** Completes the open view if it is no longer what is seen, and starts what is seen. */
  reconcile(): void {
    const { state } = this;
    const seenTabId = this.foregroundTabId();
    const seenTab = seenTabId === null ? undefined : state.tabs[seenTabId];
    const page = seenTab?.page;
    // The lists are checked here, not when the page was opened, so that a host added to the
    // deny list stops the view in front at once.
    const recordable =
      page?.url != null && this.allowed(page.url) && (!seenTab!.incognito || this.config.logPrivateWindows)
        ? page
        : null;

    const view = state.view;
    if (view && (!recordable || view.tabId !== seenTabId || view.navId !== recordable.navId)) {
      this.complete(view, this.at);
      state.view = null;
    }
    if (!recordable || state.view) return;

    if (recordable.query !== null) {
      if (!recordable.searchRecorded) {
        recordable.searchRecorded = true;
        this.record('SEARCH', recordable.url!, toWireTimestamp(this.at), {
          query: recordable.query,
          ...(recordable.title && { title: recordable.title }),
          ...this.referrerParam(recordable.referrer),
        });
      }
      return;
    }
    const timestamp = toWireTimestamp(this.at);
    state.view = {
      tabId: seenTabId!,
      navId: recordable.navId,
      url: recordable.url!,
      timestamp,
      startedAt: this.at,
      lastAliveAt: this.at,
      title: recordable.title,
      referrer: recordable.referrer,
    };
    this.record('VIEW', recordable.url!, timestamp, {
      truncated: true,
      ...(recordable.title && { title: recordable.title }),
      ...this.referrerParam(recordable.referrer),
    });
  }

  private foregroundTabId(): number | null {
    const { state } = this;
    if (state.paused || state.idle || state.focusedWindowId === null) return null;
    return state.activeTabs[state.focusedWindowId] ?? null;
  }

  /** The completing VIEW: a new id, the same url and timestamp, whole foreground seconds. */
  private complete(view: OpenView, endedAt: number): void {
    // A host denied while its view was open gets nothing more recorded, not even the end.
    if (!this.allowed(view.url)) return;
    this.record('VIEW', view.url, view.timestamp, {
      duration: Math.max(0, Math.floor((endedAt - view.startedAt) / 1000)),
      ...(view.title && { title: view.title }),
      ...this.referrerParam(view.referrer),
    });
  }

  private allowed(url: string): boolean {
    return isHostAllowed(url, this.config);
  }

  /** A referrer on a host the lists exclude would leak that the user was there. */
  private referrerParam(referrer: string | undefined): { referrer?: string } {
    return referrer && this.allowed(referrer) ? { referrer } : {};
  }

  private record(
    action: 'VIEW' | 'SEARCH',
    url: string,
    timestamp: string,
    params: RecordedEvent['params'],
  ): void {
    this.events.push({ id: this.deps.newId(this.at), action, timestamp, url, params });
  }

  /** Takes in what a snapshot says of a tab, without treating it as a navigation. */
  private learn(tab: TabSnapshot): void {
    const { state } = this;
    const record = (state.tabs[tab.id] ??= {
      windowId: tab.windowId,
      incognito: tab.incognito,
      openerTabId: tab.openerTabId,
      page: null,
    });
    record.windowId = tab.windowId;
    record.incognito = tab.incognito;
    if (tab.openerTabId !== undefined) record.openerTabId = tab.openerTabId;
    if (tab.active) state.activeTabs[tab.windowId] = tab.id;
    if (!record.page && tab.url) {
      record.page = this.newPage(tab.url, tab.title, undefined);
      record.page.fromSnapshot = true;
    }
  }

  /** A real navigation of the tab's top frame to `rawUrl`. */
  private navigate(tab: TabSnapshot, rawUrl: string, transitionType: string | undefined): void {
    this.learn(tab);
    const record = this.state.tabs[tab.id]!;
    const previous = record.page;
    // The snapshot may have announced this very navigation already (e.g. at start-up):
    // its commit is then no second view.
    if (previous?.fromSnapshot && previous.rawUrl === rawUrl) {
      previous.fromSnapshot = false;
      return;
    }
    let referrer: string | undefined;
    if (previous?.url && transitionType && REFERRING_TRANSITIONS.has(transitionType)) {
      referrer = previous.url;
    } else if (!previous?.url && record.openerTabId !== undefined) {
      referrer = this.state.tabs[record.openerTabId]?.page?.url ?? undefined;
    }
    // The tab's title belongs to the new page only once the tab shows the new URL.
    const title = tab.url === rawUrl ? tab.title : undefined;
    record.page = this.newPage(rawUrl, title, referrer);
  }

  private newPage(rawUrl: string, title: string | undefined, referrer: string | undefined): Page {
    const { url, query } = recordableUrl(rawUrl, this.config);
    return {
      navId: this.state.nextNavId++,
      url,
      rawUrl,
      title: pageTitle(title, rawUrl),
      referrer,
      query,
      searchRecorded: false,
      fromSnapshot: false,
    };
  }

  private forget(tabId: number): void {
    const { state } = this;
    delete state.tabs[tabId];
    for (const [windowId, activeTabId] of Object.entries(state.activeTabs)) {
      if (activeTabId === tabId) delete state.activeTabs[windowId];
    }
  }
}

function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}
