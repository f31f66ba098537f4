import { toWireTimestamp, type RecordedEvent } from '../model/activity-event';
import { isHostAllowed, type HostLists } from '../privacy/host-filter';
import { recordableUrl } from '../privacy/recordable-url';
import type { SearchRule } from '../settings/settings';
import type { CaptureSignal, TabSnapshot } from './capture-signal';
import { initialCaptureState, type CaptureState, type OpenView, type Page } from './capture-state';
import { pageTitle } from './page-title';

/** The settings capture follows; the privacy ones (docs/design.md §6) keep their `Settings` names. */
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

// Transitions after which the previous page of the tab is the referrer (docs/design.md §3).
const REFERRING_TRANSITIONS = new Set(['link', 'form_submit']);

/**
 * Whether a signal about `tabId` needs the browser's description of the tab (`tabs.get`).
 * A tab the machine has seen a page of is known well enough: its window, privacy and page
 * follow from the signals since (activation, attach, navigation, title, removal).
 */
export function needsTabSnapshot(state: CaptureState, tabId: number): boolean {
  const record = state.tabs[tabId];
  return !record || record.page === null || record.windowId === -1;
}

/**
 * The capture rules of docs/design.md §2–§3 as a pure function: the state before, one browser
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
        if (signal.tab) this.learn({ ...signal.tab, windowId: signal.windowId });
        this.moveTab(signal.tabId, signal.windowId);
        state.activeTabs[signal.windowId] = signal.tabId;
        return;
      case 'tabAttached':
        this.moveTab(signal.tabId, signal.windowId);
        return;
      case 'tabTitleChanged': {
        const record = state.tabs[signal.tabId];
        const page = record?.page;
        // The title of another page of this tab (reported before its commit reached us):
        // kept for that page.
        if (record && signal.url !== undefined && (!page || withoutFragment(signal.url) !== withoutFragment(page.rawUrl))) {
          record.pendingTitle = { url: withoutFragment(signal.url), title: signal.title };
          return;
        }
        const title = page && pageTitle(signal.title, page.rawUrl);
        if (!page || !title) return;
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
        this.navigate(signal.tabId, signal.tab, signal.url, signal.transitionType);
        return;
      case 'historyStateUpdated': {
        if (signal.frameId !== 0) return;
        if (signal.tab) this.learn(signal.tab);
        const page = state.tabs[signal.tabId]?.page;
        // A single-page app starts a new view when path or query change, not the fragment,
        // and pushState with the same URL again is the same page.
        if (page && withoutFragment(page.rawUrl) === withoutFragment(signal.url)) {
          page.rawUrl = signal.url;
          return;
        }
        // Same document: the tab's title stays what it was until the app changes it.
        this.navigate(signal.tabId, signal.tab, signal.url, 'link', page?.title);
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
        // `locked` counts as idle (docs/design.md §3).
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

  /** The tab is now in `windowId`, and no longer the active tab of any other window. */
  private moveTab(tabId: number, windowId: number): void {
    const { state } = this;
    const record = state.tabs[tabId];
    if (record) record.windowId = windowId;
    for (const [otherWindowId, activeTabId] of Object.entries(state.activeTabs)) {
      if (activeTabId === tabId && Number(otherWindowId) !== windowId) delete state.activeTabs[otherWindowId];
    }
  }

  /**
   * A real navigation of the tab's top frame to `rawUrl`. Without a snapshot the machine's
   * own record of the tab is used; a tab it has no record of (closed meanwhile) is ignored.
   */
  private navigate(
    tabId: number,
    tab: TabSnapshot | undefined,
    rawUrl: string,
    transitionType: string | undefined,
    documentTitle?: string,
  ): void {
    if (tab) this.learn(tab);
    const record = this.state.tabs[tabId];
    if (!record) return;
    const previous = record.page;
    const pendingTitle = record.pendingTitle;
    delete record.pendingTitle;
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
    const title =
      tab?.url === rawUrl && tab.title !== undefined
        ? tab.title
        : pendingTitle?.url === withoutFragment(rawUrl)
          ? pendingTitle.title
          : documentTitle;
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

/**
 * The state a restarted worker goes on from. The open view is durable in the log with its
 * events; the rest of the state is saved to storage.session a moment later. A worker stopped
 * in between left a state older than the log, and the log is right: its open view is still
 * open (its start is recorded, its end is not), and a view the state still holds open but the
 * log does not was already completed. Without this, such a view would be completed twice, or
 * the log's open view never.
 */
export function resumeState(saved: CaptureState, logged: OpenView | null): CaptureState {
  const view = saved.view;
  if (view && logged && view.tabId === logged.tabId && view.navId === logged.navId) {
    return { ...saved, view: { ...view, lastAliveAt: Math.max(view.lastAliveAt, logged.lastAliveAt) } };
  }
  if (!view && !logged) return saved;
  const state = structuredClone(saved);
  if (view) {
    // Completed since: its page is no longer known as seen, so it does not start again; the
    // tab's next navigation or activation brings the browser's word on it.
    const tab = state.tabs[view.tabId];
    if (tab?.page?.navId === view.navId) tab.page = null;
  }
  state.view = logged;
  if (logged) {
    // Open since: its page was in front, in the active tab of the focused window.
    const tab = (state.tabs[logged.tabId] ??= { windowId: -1, incognito: false, page: null });
    tab.page = {
      navId: logged.navId,
      url: logged.url,
      rawUrl: logged.url,
      title: logged.title,
      referrer: logged.referrer,
      query: null,
      searchRecorded: false,
      // Its commit may still be on its way: not a second view.
      fromSnapshot: true,
    };
    state.nextNavId = Math.max(state.nextNavId, logged.navId + 1);
    if (tab.windowId !== -1) {
      state.focusedWindowId = tab.windowId;
      state.activeTabs[tab.windowId] = logged.tabId;
    }
    state.idle = false;
    state.paused = false;
  }
  return state;
}
