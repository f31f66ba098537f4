import { toWireTimestamp, type RecordedEvent } from '../model/activity-event';
import { isHostAllowed } from '../privacy/host-filter';
import { pageTitle } from '../privacy/page-title';
import { recordableUrl } from '../privacy/recordable-url';
import type { Settings } from '../settings/settings';
import type { CaptureSignal, TabSnapshot } from './capture-signal';
import { initialCaptureState, type CaptureState, type OpenView, type Page, type TabState } from '../model/capture-state';

/**
 * The settings capture follows, taken from `Settings` by name: a renamed or removed setting
 * fails the build here instead of silently switching a rule off.
 */
export type CaptureConfig = Pick<
  Settings,
  | 'allowList'
  | 'denyList'
  | 'logPrivateWindows'
  | 'searchRules'
  | 'stripAllQueryStrings'
  | 'extraSecretParams'
  | 'keepTrackingParams'
  | 'logFileUrls'
  // Idle does not end the view of a tab that plays sound (a locked screen still does).
  | 'countAudibleTime'
>;

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

/** How often the adapter's heartbeat saves the open view (Chrome's shortest alarm period). */
export const HEARTBEAT_INTERVAL_MS = 30_000;

/**
 * Same-document URL changes in one tab that follow each other within this time are one view
 * of the address they settle on (docs/design.md §3). The History API does not say whether a
 * change was a navigation (pushState) or state kept in the URL (replaceState, a search box,
 * a map): both reach the background the same way, so the rule goes by time. Typing is
 * 150–300 ms a keystroke and a filter, a map or an infinite list rewrite the URL at that
 * pace or faster; a second is well above that, while a page a reader opens and leaves within
 * a second is read for no whole second anyway, so the view it would have made says nothing.
 */
export const SETTLE_MS = 1_000;

/**
 * A signal that comes this long after the open view was last seen alive means the computer
 * slept (the heartbeat keeps `lastAliveAt` within HEARTBEAT_INTERVAL_MS while a view is open):
 * the view ends at the last moment seen alive (docs/design.md §3, sleep is not reading). Three
 * intervals, so a heartbeat the browser delays under load is not mistaken for a sleep.
 */
const SLEEP_GAP_MS = 3 * HEARTBEAT_INTERVAL_MS;

/** A `locked` report this long after the view was last seen alive came after a sleep. */
const LOCKED_SLEEP_GAP_MS = 1.5 * HEARTBEAT_INTERVAL_MS;

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
  // One step's state and what it records, shared by the rules below (closures, not a class:
  // the worker is parsed at every wake-up, and method names do not minify).
  let state = structuredClone(before);
  const events: RecordedEvent[] = [];
  const at = signal.at;
  wake(signal);
  settle();
  apply(signal);
  reconcile();
  return { state, events };

  /**
   * Any signal shows the browser was alive with the view open until now — unless it comes
   * after a gap no heartbeat would leave: the computer slept, and the view ends where it was
   * last seen alive. The page, if still seen, starts a new view (in `reconcile`).
   */
  function wake(signal: CaptureSignal): void {
    const view = state.view;
    if (!view || signal.type === 'startup') return;
    const gap = at - view.lastAliveAt;
    const locked = signal.type === 'idleStateChanged' && signal.state === 'locked';
    if (gap > SLEEP_GAP_MS || (locked && gap > LOCKED_SLEEP_GAP_MS)) {
      complete(view, view.lastAliveAt);
      state.view = null;
      return;
    }
    view.lastAliveAt = Math.max(view.lastAliveAt, at);
  }

  /** Pages whose settle time is over have settled; the open view's start is recorded. */
  function settle(): void {
    for (const record of Object.values(state.tabs)) {
      if (record.page?.settleUntil !== undefined && at >= record.page.settleUntil) delete record.page.settleUntil;
    }
    const view = state.view;
    if (view?.settleUntil !== undefined && at >= view.settleUntil) announce(view);
  }

  function apply(signal: CaptureSignal): void {
    switch (signal.type) {
      case 'startup': {
        if (signal.orphanView) complete(signal.orphanView, signal.orphanView.lastAliveAt);
        const resumed = signal.resumedView ?? null;
        state = { ...initialCaptureState(), nextNavId: Math.max(state.nextNavId, (resumed?.navId ?? 0) + 1) };
        state.focusedWindowId = signal.focusedWindowId;
        state.idle = signal.idle !== 'active';
        state.locked = signal.idle === 'locked';
        state.paused = signal.paused;
        for (const tab of signal.activeTabs) learn(tab);
        if (resumed) resume(resumed);
        return;
      }
      case 'tabActivated':
        if (signal.tab) learn({ ...signal.tab, windowId: signal.windowId });
        moveTab(signal.tabId, signal.windowId);
        state.activeTabs[signal.windowId] = signal.tabId;
        return;
      case 'tabAttached':
        moveTab(signal.tabId, signal.windowId);
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
        forget(signal.tabId);
        return;
      case 'tabReplaced': {
        // A prerendered or preloaded tab swapped in: the new tab shows a new page.
        forget(signal.removedTabId);
        learn(signal.tab);
        const record = state.tabs[signal.tab.id]!;
        if (record.page?.fromSnapshot) record.page.fromSnapshot = false;
        return;
      }
      case 'windowFocusChanged':
        state.focusedWindowId = signal.windowId;
        if (signal.activeTab) learn(signal.activeTab);
        return;
      case 'navigationCommitted':
        if (signal.frameId !== 0 || signal.documentLifecycle === 'prerender') return;
        navigate(signal.tabId, signal.tab, signal.url, signal.transitionType);
        return;
      case 'historyStateUpdated': {
        if (signal.frameId !== 0) return;
        if (signal.tab) learn(signal.tab);
        const record = state.tabs[signal.tabId];
        const page = record?.page;
        // A single-page app starts a new view when the address it records changes: not for
        // the fragment, not for pushState with the same URL again, and not for a page that
        // only removes its tracking or secret parameters (the same page, docs/design.md §6).
        if (record && page && samePage(page, signal.url)) {
          page.rawUrl = signal.url;
          takePendingTitle(record, page);
          return;
        }
        // Within a burst of same-document changes: the same view, at its new address. Back
        // and forward are the user's own navigations and never wait.
        const inBurst = page?.settleUntil !== undefined && at < page.settleUntil && !signal.forwardBack;
        if (record && page && inBurst && retarget(signal.tabId, page, signal.url)) {
          takePendingTitle(record, page);
          return;
        }
        // Same document: the tab's title stays what it was until the app changes it.
        navigate(signal.tabId, signal.tab, signal.url, 'link', page?.title);
        const next = state.tabs[signal.tabId]?.page;
        if (next && next !== page && !signal.forwardBack) next.settleUntil = at + SETTLE_MS;
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
        // `locked` counts as idle (docs/design.md §3), and not even sound keeps a view through it.
        state.idle = signal.state !== 'active';
        state.locked = signal.state === 'locked';
        return;
      case 'tabAudibleChanged': {
        const record = state.tabs[signal.tabId];
        if (record) record.audible = signal.audible;
        return;
      }
      case 'settleDue':
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
  function reconcile(): void {
    const seenTabId = foregroundTabId();
    const seenTab = seenTabId === null ? undefined : state.tabs[seenTabId];
    const page = seenTab?.page;
    // The lists are checked here, not when the page was opened, so that a host added to the
    // deny list stops the view in front at once.
    const recordable =
      page?.url != null && allowed(page.url) && (!seenTab!.incognito || config.logPrivateWindows)
        ? page
        : null;

    const view = state.view;
    if (view && (!recordable || view.tabId !== seenTabId || view.navId !== recordable.navId)) {
      complete(view, at);
      state.view = null;
    }
    if (!recordable || state.view) return;

    if (recordable.query !== null) {
      // A results page reached by the History API is recorded once it settled: typing into a
      // search box that rewrites the URL is one SEARCH, of the terms it settled on.
      if (!recordable.searchRecorded && recordable.settleUntil === undefined) {
        recordable.searchRecorded = true;
        record('SEARCH', recordable.url!, toWireTimestamp(at), {
          query: recordable.query,
          ...(recordable.title && { title: recordable.title }),
          ...referrerParam(recordable.referrer),
        });
      }
      return;
    }
    const timestamp = toWireTimestamp(at);
    state.view = {
      tabId: seenTabId!,
      navId: recordable.navId,
      url: recordable.url!,
      timestamp,
      startedAt: at,
      lastAliveAt: at,
      title: recordable.title,
      referrer: recordable.referrer,
      ...(recordable.settleUntil !== undefined && { settleUntil: recordable.settleUntil }),
    };
    if (recordable.settleUntil === undefined) announce(state.view);
  }

  /**
   * The tab whose page is seen. While the user is idle, a tab playing sound they can hear is
   * still watched or listened to (when the setting counts it); a locked screen is not.
   */
  function foregroundTabId(): number | null {
    if (state.paused || state.locked || state.focusedWindowId === null) return null;
    const tabId = state.activeTabs[state.focusedWindowId] ?? null;
    if (state.idle && !(config.countAudibleTime && tabId !== null && state.tabs[tabId]?.audible)) return null;
    return tabId;
  }

  /** The starting VIEW (`truncated`), with the title known now. */
  function announce(view: OpenView): void {
    delete view.settleUntil;
    record('VIEW', view.url, view.timestamp, {
      truncated: true,
      ...(view.title && { title: view.title }),
      ...referrerParam(view.referrer),
    });
  }

  /** Whether `rawUrl` records as the page already shown (fragment, tracking and secrets aside). */
  function samePage(page: Page, rawUrl: string): boolean {
    if (page.url === null) return withoutFragment(page.rawUrl) === withoutFragment(rawUrl);
    return recordableUrl(rawUrl, config).url === page.url;
  }

  /**
   * The settling page moved to `rawUrl` within its burst: same page and view, new address,
   * settling again from now. Not when it would turn a page into a results page or back
   * (a SEARCH and a VIEW are different events): that is a new page.
   */
  function retarget(tabId: number, page: Page, rawUrl: string): boolean {
    const { url, query } = recordableUrl(rawUrl, config);
    if (url === null || (query === null) !== (page.query === null)) return false;
    page.rawUrl = rawUrl;
    page.url = url;
    page.query = query;
    page.settleUntil = at + SETTLE_MS;
    const view = state.view;
    if (view && view.tabId === tabId && view.navId === page.navId) {
      view.url = url;
      view.settleUntil = page.settleUntil;
    }
    return true;
  }

  /** A title reported for this address before the tab's page reached it. */
  function takePendingTitle(record: TabState, page: Page): void {
    const pending = record.pendingTitle;
    if (pending?.url !== withoutFragment(page.rawUrl)) return;
    delete record.pendingTitle;
    const title = pageTitle(pending.title, page.rawUrl);
    if (!title) return;
    page.title = title;
    const view = state.view;
    if (view && view.navId === page.navId) view.title = title;
  }

  /** The completing VIEW: a new id, the same url and timestamp, whole foreground seconds. */
  function complete(view: OpenView, endedAt: number): void {
    // A host denied while its view was open gets nothing more recorded, not even the end.
    if (!allowed(view.url)) return;
    // Ended before it settled: its start was never recorded. The burst ends with the view,
    // so the page shown again later starts its view at once.
    if (view.settleUntil !== undefined) {
      announce(view);
      const page = state.tabs[view.tabId]?.page;
      if (page?.navId === view.navId) delete page.settleUntil;
    }
    record('VIEW', view.url, view.timestamp, {
      duration: Math.max(0, Math.floor((endedAt - view.startedAt) / 1000)),
      ...(view.title && { title: view.title }),
      ...referrerParam(view.referrer),
    });
  }

  function allowed(url: string): boolean {
    return isHostAllowed(url, config);
  }

  /** A referrer on a host the lists exclude would leak that the user was there. */
  function referrerParam(referrer: string | undefined): { referrer?: string } {
    return referrer && allowed(referrer) ? { referrer } : {};
  }

  function record(
    action: 'VIEW' | 'SEARCH',
    url: string,
    timestamp: string,
    params: RecordedEvent['params'],
  ): void {
    events.push({ id: deps.newId(at), action, timestamp, url, params });
  }

  /**
   * The view an earlier worker of this browser session left open, before its state was saved
   * (docs/design.md §3). Still in front — its tab shows its page — it goes on as it is: the
   * same visit is never a second view. Otherwise it ended while no worker ran, at its last
   * sign of life.
   */
  function resume(view: OpenView): void {
    const page = state.tabs[view.tabId]?.page;
    if (page && page.url === view.url && page.query === null) {
      page.navId = view.navId;
      page.referrer ??= view.referrer;
      state.view = { ...view, title: page.title ?? view.title, lastAliveAt: Math.max(view.lastAliveAt, at) };
      return;
    }
    complete(view, view.lastAliveAt);
  }

  /** Takes in what a snapshot says of a tab, without treating it as a navigation. */
  function learn(tab: TabSnapshot): void {
    const record = (state.tabs[tab.id] ??= {
      windowId: tab.windowId,
      incognito: tab.incognito,
      openerTabId: tab.openerTabId,
      page: null,
    });
    record.windowId = tab.windowId;
    record.incognito = tab.incognito;
    if (tab.audible !== undefined) record.audible = tab.audible;
    if (tab.openerTabId !== undefined) record.openerTabId = tab.openerTabId;
    if (tab.active) state.activeTabs[tab.windowId] = tab.id;
    if (!record.page && tab.url) {
      record.page = newPage(tab.url, tab.title, undefined);
      record.page.fromSnapshot = true;
    }
  }

  /** The tab is now in `windowId`, and no longer the active tab of any other window. */
  function moveTab(tabId: number, windowId: number): void {
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
  function navigate(
    tabId: number,
    tab: TabSnapshot | undefined,
    rawUrl: string,
    transitionType: string | undefined,
    documentTitle?: string,
  ): void {
    if (tab) learn(tab);
    const record = state.tabs[tabId];
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
      referrer = state.tabs[record.openerTabId]?.page?.url ?? undefined;
    }
    // The tab's title belongs to the new page only once the tab shows the new URL.
    const title =
      tab?.url === rawUrl && tab.title !== undefined
        ? tab.title
        : pendingTitle?.url === withoutFragment(rawUrl)
          ? pendingTitle.title
          : documentTitle;
    record.page = newPage(rawUrl, title, referrer);
  }

  function newPage(rawUrl: string, title: string | undefined, referrer: string | undefined): Page {
    const { url, query } = recordableUrl(rawUrl, config);
    return {
      navId: state.nextNavId++,
      url,
      rawUrl,
      title: pageTitle(title, rawUrl),
      referrer,
      query,
      searchRecorded: false,
      fromSnapshot: false,
    };
  }

  function forget(tabId: number): void {
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
      ...(logged.settleUntil !== undefined && { settleUntil: logged.settleUntil }),
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
