import type Browser from 'webextension-polyfill';
import type { RecordedEvent } from '../model/activity-event';
import { OpenViewSchema, initialCaptureState, type CaptureState, type OpenView } from '../model/capture-state';
import type { AlarmJobs } from '../platform/alarm-table';
import { getItems } from '../platform/stored-item';
import { isPaused, type Pause } from '../settings/pause';
import type { Settings } from '../settings/settings';
import type { SettingsReader } from '../settings/settings-reader';
import { CAPTURE_BACKLOG, CAPTURE_SESSION, CAPTURE_STATE, PAUSE } from '../settings/stored-items';
import { applySignal, HEARTBEAT_INTERVAL_MS, needsTabSnapshot, resumeState } from './capture-machine';
import type { CaptureSignal, IdleState, TabSnapshot } from './capture-signal';
import { logWriter } from './log-writer';
import { sessionSaver } from './session-saver';
import { isHeard, snapshotTab, toTabSnapshot, withoutPage } from './tab-snapshot';

/** The browser APIs capture listens to; `idle` is optional (WXT's fake browser lacks it). */
export type CaptureBrowser = Pick<Browser.Browser, 'tabs' | 'windows' | 'webNavigation' | 'storage' | 'alarms'> & {
  idle?: Pick<Browser.Idle.Static, 'onStateChanged' | 'queryState' | 'setDetectionInterval'>;
};

export interface CaptureAdapterDeps {
  browser: CaptureBrowser;
  /**
   * The settings in force, administrator's policy included (docs/design.md §8): read through
   * the policy as last seen, never waiting for a live `storage.managed` read, which can take
   * seconds after a browser start and would stall every signal behind it.
   */
  settings: Pick<SettingsReader, 'settingsNow' | 'onChange'>;
  /**
   * Makes the events durable, and with them (same transaction) the view left open after them
   * — null when none is. Called with no events when only the open view changed (its title, or
   * a heartbeat). Capture does not wait for one call before the next: the writes must start
   * in the order of the calls (the log's transactions do, see `step`).
   */
  record: (events: RecordedEvent[], openView: OpenView | null) => Promise<unknown>;
  /** The open view as last recorded: what a crash left open, and the truth for a resumed worker. */
  readOpenView: () => Promise<unknown>;
  newId: (at: number) => string;
  clock?: () => number;
  onError?: (error: unknown) => void;
  /** A log write failed; its events (`waiting` in all) are kept and retried (docs/design.md §4). */
  onWriteFailing?: (error: unknown, waiting: number) => void;
  /** The events kept after failed writes are durable now. */
  onWriteRecovered?: () => void;
  /** Told when a signal's events are durable, `latencyMs` after the signal arrived. */
  onRecorded?: (latencyMs: number, events: readonly RecordedEvent[]) => void;
  /** A fine-grained monotonic clock in ms for `latencyMs` (performance.now). */
  monotonic?: () => number;
  /** How often the focused window is asked for while it matters; default FOCUS_POLL_MS. */
  focusPollMs?: number;
}

export interface CaptureHandle {
  /** The jobs of capture's alarms (the heartbeat, the end of a pause), for the alarm table. */
  alarms: AlarmJobs;
  /** Resolves when every signal received so far has been handled. */
  settled(): Promise<void>;
  /** Removes every listener (a worker that stops loses them the same way). */
  stop(): void;
}

interface BrowserEvent<L> {
  addListener(listener: L): void;
  removeListener(listener: L): void;
}

export const HEARTBEAT_ALARM = 'capture-heartbeat';
export const PAUSE_END_ALARM = 'pause-end';
/**
 * How often capture asks which window has focus while a view is open or the browser is
 * unfocused (docs/design.md §3): the most time in another application a view can count when
 * the browser does not report the change. One IPC call a second costs nothing measurable.
 */
export const FOCUS_POLL_MS = 1_000;
// Chrome's shortest alarm period: the most foreground time a crash can lose.
const HEARTBEAT_MINUTES = HEARTBEAT_INTERVAL_MS / 60_000;

interface Context {
  state: CaptureState;
  settings: Settings;
}

/**
 * Connects the browser to the capture machine. Listeners are registered synchronously, here,
 * so a worker woken by an event sees it (docs/design.md §3). Signals are handled one at a time in
 * the order they arrived, each stamped with its arrival time: events first become durable,
 * then the machine's state is saved.
 */
export function startCapture(deps: CaptureAdapterDeps): CaptureHandle {
  const { browser, record, readOpenView, newId, clock = Date.now, onError = console.error } = deps;
  const monotonic = deps.monotonic ?? (() => performance.now());
  const focusPollMs = deps.focusPollMs ?? FOCUS_POLL_MS;
  const { tabs, windows, webNavigation, storage, alarms, idle } = browser;
  // Before any listener: every signal this worker sees arrives after it.
  const workerStartedAt = clock();
  let queue: Promise<void> = Promise.resolve();
  const removers: (() => void)[] = [];
  let stopped = false;
  function listen<L>(event: BrowserEvent<L>, listener: L): void {
    event.addListener(listener);
    removers.push(() => event.removeListener(listener));
  }

  /**
   * Applies a signal and writes its events, without waiting for them: the next signal is
   * applied at once and its transaction asked for behind this one. The log's transactions
   * complete in the order they were asked for (IndexedDB runs overlapping read-write
   * transactions in creation order), so a burst of signals — quick tab switches — is written
   * back to back instead of each waiting for the answer to the one before. The session state
   * is saved only once the events before it are durable: it is never ahead of the log.
   */
  function step(ctx: Context, signal: CaptureSignal, arrivedAt = monotonic()): void {
    const before = ctx.state.view;
    const { state, events } = applySignal(ctx.state, signal, ctx.settings, { newId });
    ctx.state = state;
    const after = state.view;
    // A settling view (docs/design.md §3) changes its address and settle time in place.
    const viewChanged =
      before?.navId !== after?.navId ||
      before?.tabId !== after?.tabId ||
      before?.url !== after?.url ||
      before?.settleUntil !== after?.settleUntil;
    // The open view is durable with the events, and on the heartbeat: what a crash leaves open
    // is completed with it (docs/design.md §2). A new title alone waits for a quiet moment, with the
    // session state: written at once it would hold up the next page's events, which come
    // right behind it; a crash in between costs that title only.
    if (events.length > 0 || viewChanged || signal.type === 'heartbeat') {
      titleUnsaved = false;
      writer.write(events, after, () => {
        if (events.length > 0) deps.onRecorded?.(monotonic() - arrivedAt, events);
      });
    } else if (before?.title !== after?.title) {
      titleUnsaved = true;
    }
    writer.afterWrites(() => saver.save(state));
    // The heartbeat beats for whichever view is open: it starts when the first view does and
    // stops when none is left, not at every navigation.
    if (!before && after) changeAlarms(() => alarms.create(HEARTBEAT_ALARM, { periodInMinutes: HEARTBEAT_MINUTES }));
    if (before && !after) changeAlarms(() => alarms.clear(HEARTBEAT_ALARM));
    scheduleSettle(state);
    scheduleFocusPoll(state);
  }

  /**
   * A settling page (docs/design.md §3) settles when its time is over, even if nothing else
   * happens then. A worker stopped before loses only this timer: its next signal (at the
   * latest the heartbeat, which beats for a settling view too) settles it.
   */
  let settleTimer: ReturnType<typeof setTimeout> | undefined;
  function scheduleSettle(state: CaptureState): void {
    const due = Math.min(
      state.view?.settleUntil ?? Infinity,
      ...Object.values(state.tabs).map((tab) => tab.page?.settleUntil ?? Infinity),
    );
    clearTimeout(settleTimer);
    settleTimer = undefined;
    if (due === Infinity) return;
    settleTimer = setTimeout(() => enqueue({ type: 'settleDue', at: clock() }), Math.max(0, due - clock()));
  }

  /**
   * Focus is confirmed by asking, not only told (docs/design.md §3). Chromium does not report
   * the first focus loss after it starts, and on some desktops (X11 under a plain window
   * manager) no later focus change either: `windows.onFocusChanged` stays silent while
   * `windows.getLastFocused` already has the answer. So capture asks which window has focus
   * every `focusPollMs` while the answer matters — a view is open, or the browser is believed
   * unfocused while the user is active (to see the return) — and where it wakes anyway (the
   * heartbeat, a tab, navigation or idle signal), and takes the answer when it differs from
   * what the machine knows. An answer that a focus event overtook is stale and dropped.
   *
   * A tab or navigation signal asks only while the poll is not running: the poll answers
   * within `focusPollMs` anyway, and a question asked beside every navigation's write was the
   * largest cost on capture's path (BENCHMARKS.md "Capture latency", the breakdown).
   */
  let focusEvents = 0;
  let confirmingFocus = false;
  function confirmFocusUnlessPolled(): void {
    if (focusPoll === undefined) confirmFocus();
  }
  function confirmFocus(): void {
    if (confirmingFocus || stopped) return;
    confirmingFocus = true;
    const asked = focusEvents;
    windows.getLastFocused().then(
      (window: Browser.Windows.Window | undefined) => {
        confirmingFocus = false;
        if (!window) return; // no window at all: the window events say so
        const at = clock();
        const focused = window.focused && window.id !== undefined ? window.id : null;
        queue = queue
          .then(async () => {
            if (stopped || focusEvents !== asked) return;
            const ctx = await context();
            if (focused === ctx.state.focusedWindowId) return;
            // A window capture has not seen the active tab of yet: asked for now, as the
            // focus event would have.
            const knownActive = focused === null ? undefined : ctx.state.activeTabs[focused];
            const activeTab =
              focused !== null && (knownActive === undefined || needsTabSnapshot(ctx.state, knownActive))
                ? await activeTabOf(focused)
                : undefined;
            if (stopped || focusEvents !== asked) return;
            step(ctx, { type: 'windowFocusChanged', at, windowId: focused, ...(activeTab && { activeTab }) });
          })
          .catch(onError);
      },
      // Chromium refuses when no window is left: nothing is seen then, and the events say so.
      () => {
        confirmingFocus = false;
      },
    );
  }
  const activeTabOf = (windowId: number) =>
    tabs.query({ active: true, windowId }).then(([active]) => (active && toTabSnapshot(active)) || undefined);

  /** Asks for the focus every `focusPollMs` while the answer can change what is seen. */
  let focusPoll: ReturnType<typeof setInterval> | undefined;
  function scheduleFocusPoll(state: CaptureState): void {
    const wanted = !stopped && !state.paused && (state.view !== null || (state.focusedWindowId === null && !state.idle));
    if (wanted && focusPoll === undefined) focusPoll = setInterval(confirmFocus, focusPollMs);
    if (!wanted && focusPoll !== undefined) {
      clearInterval(focusPoll);
      focusPoll = undefined;
    }
  }

  /** The writes, in order; a failed one keeps its events for a retry (docs/design.md §3). */
  const writer = logWriter({
    record,
    keep: async (backlog) => {
      if (stopped) return;
      await (backlog ? CAPTURE_BACKLOG.set(storage, backlog) : CAPTURE_BACKLOG.remove(storage));
    },
    onFailing: deps.onWriteFailing,
    onRecovered: deps.onWriteRecovered,
    onError,
  });

  let titleUnsaved = false;
  const saver = sessionSaver({
    write: async (state) => {
      if (stopped) return;
      await CAPTURE_STATE.set(storage, state);
      if (titleUnsaved) saveOpenViewTitle();
    },
    clock,
    onError,
  });
  /** Writes the open view with its new title to the log, in turn with the signals. */
  function saveOpenViewTitle(): void {
    queue = queue
      .then(() => {
        if (stopped || !titleUnsaved || !loaded) return;
        titleUnsaved = false;
        writer.write([], loaded.state.view);
      })
      .catch(onError);
  }
  /** Alarm changes (heartbeat, end of a pause), in order, off the path of the next signal. */
  let alarmChanges: Promise<unknown> = Promise.resolve();
  function changeAlarms(change: () => Promise<unknown>): void {
    alarmChanges = alarmChanges.then(() => (stopped ? undefined : change())).catch(onError);
  }

  /** Applies the idle threshold and tells whether the user is idle now. */
  async function applyIdleThreshold(settings: Settings): Promise<IdleState> {
    if (!idle) return 'active';
    idle.setDetectionInterval(settings.idleThresholdSeconds);
    return idle.queryState(settings.idleThresholdSeconds);
  }

  /** Resumes the saved state, or — when the session has none — starts from what is open now. */
  async function load(at: number): Promise<Context> {
    // Asked for first: the snapshot must describe the browser as of `at`, before the
    // signals queued behind the load.
    const openWindows = windows.getAll({ populate: true, windowTypes: ['normal'] });
    openWindows.catch(() => undefined); // not needed when the session state is resumed
    const unreadable = Symbol('log unreadable');
    const [[saved, backlog, sessionStartedAt], pause, settings, loggedView] = await Promise.all([
      getItems(storage, [CAPTURE_STATE, CAPTURE_BACKLOG, CAPTURE_SESSION]),
      PAUSE.get(storage),
      // As they are when the load begins: later changes come as signals.
      deps.settings.settingsNow(),
      // A log that cannot be read (a full disk refuses opening it too) must not stop capture:
      // every signal of this worker would be lost with it (docs/design.md §4).
      readOpenView().catch((error: unknown) => {
        onError(error);
        return unreadable;
      }),
    ]);
    // Events a stopped worker could not write go first; their open view is newer than the log's.
    if (backlog) writer.restore(backlog);
    const logged =
      backlog && backlog.events.length > 0
        ? backlog.openView
        : loggedView === unreadable
          ? // Nothing better to go on than the session's own word.
            (saved?.view ?? null)
          : (OpenViewSchema.safeParse(loggedView).data ?? null);
    const pausedNow = isPaused(pause, at);
    changeAlarms(() => schedulePauseEnd(pause, at));
    if (saved) {
      if (idle) idle.setDetectionInterval(settings.idleThresholdSeconds);
      const ctx: Context = { state: resumeState(saved, logged), settings };
      // The pause may have ended (or begun) while no worker was running to hear of it.
      if (saved.paused !== pausedNow) step(ctx, { type: 'pauseChanged', at, paused: pausedNow });
      return ctx;
    }
    // No state saved. A new browser session, unless an earlier worker of this one left its
    // start time: then the log's open view is this session's, still open (the earlier worker
    // was stopped before its state was saved), and not an orphan of a crash.
    if (sessionStartedAt === null) await CAPTURE_SESSION.set(storage, workerStartedAt);
    const ours = logged !== null && sessionStartedAt !== null && logged.lastAliveAt >= sessionStartedAt;
    const ctx: Context = { state: initialCaptureState(), settings };
    const [open, idleNow] = await Promise.all([openWindows, applyIdleThreshold(settings)]);
    const focused = open.find((window) => window.focused);
    step(ctx, {
      type: 'startup',
      at,
      focusedWindowId: focused?.id ?? null,
      activeTabs: open
        .flatMap((window) => window.tabs ?? [])
        .filter((tab) => tab.active)
        .map(toTabSnapshot)
        .filter((tab) => tab !== null)
        .map((tab) => (lateTabs.has(tab.id) ? withoutPage(tab) : tab)),
      idle: idleNow,
      paused: pausedNow,
      orphanView: ours ? null : logged,
      resumedView: ours ? logged : null,
    });
    return ctx;
  }

  /**
   * Keeps the alarm that ends a timed pause. Chrome may drop alarms when the browser
   * restarts, so it is set again each time the state is loaded, not only when pausing.
   */
  async function schedulePauseEnd(pause: Pause | null, at: number): Promise<void> {
    const until = pause?.until;
    if (typeof until === 'number' && until > at) await alarms.create(PAUSE_END_ALARM, { when: until });
    else await alarms.clear(PAUSE_END_ALARM);
  }

  /** The state, loaded once per worker; a failed load is tried again with the next signal. */
  let loading: Promise<Context> | null = null;
  /** The context once loaded: what the machine knows, as of the last signal applied. */
  let loaded: Context | null = null;
  const context = () =>
    (loading ??= load(clock()).then(
      (ctx) => (loaded = ctx),
      (error: unknown) => {
        loading = null;
        throw error;
      },
    ));

  /**
   * Queues a signal. Its details are asked of the browser at once, when the event arrives —
   * a tab looked up later may already show the next page — and signals are applied one at a
   * time, in arrival order. `update` changes the context just before the signal applies.
   */
  function enqueue(
    signal: Promise<CaptureSignal | null> | CaptureSignal | null,
    update?: (ctx: Context) => Promise<void> | void,
  ): void {
    if (stopped) return;
    const arrivedAt = monotonic();
    queue = queue
      .then(async () => {
        if (stopped) return;
        const ctx = await context();
        if (update) await update(ctx);
        const ready = await signal;
        if (ready) step(ctx, ready, arrivedAt);
      })
      .catch(onError);
  }

  /**
   * The signal, with the tab's snapshot when the machine needs one. `tabs.get` is asked only
   * for a tab capture does not know yet: while the browser loads a page it takes milliseconds,
   * which were most of capture's latency. It is asked at once, as the event arrives — a tab
   * looked up later may already show the next page.
   */
  function withSnapshot<S extends CaptureSignal & { tabId: number }>(signal: S): S | Promise<S> {
    if (loaded && !needsTabSnapshot(loaded.state, signal.tabId)) return signal;
    const late = !loaded && lateTabs.has(signal.tabId);
    return snapshotTab(tabs, signal.tabId).then((tab) => ({ ...signal, tab: late ? withoutPage(tab) : tab }));
  }

  /**
   * Tabs with a navigation the browser committed before this worker started, delivered late:
   * Chromium queues the events of a stopped worker and dispatches them once it runs, while the
   * start-up snapshot already shows where the tab went next (docs/design.md §3). Taken from
   * the snapshot, that last page would be recorded before the queued ones, and again when its
   * own commit comes; its page comes from the queued navigations instead, in their order.
   * Only while the worker loads: once it has, its own record of the tab decides.
   */
  const lateTabs = new Set<number>();

  listen(tabs.onActivated, ({ tabId, windowId }) => {
    // The machine takes the window and the activation from the event, not the snapshot.
    enqueue(withSnapshot({ type: 'tabActivated', at: clock(), tabId, windowId } as const));
    confirmFocusUnlessPolled();
  });
  listen(tabs.onAttached, (tabId, { newWindowId }) =>
    enqueue({ type: 'tabAttached', at: clock(), tabId, windowId: newWindowId }),
  );
  listen(tabs.onUpdated, (tabId, change, tab) => {
    if (change.title !== undefined) enqueue({ type: 'tabTitleChanged', at: clock(), tabId, title: change.title, url: tab.url });
    // Muted sound is not heard: `mutedInfo` changes count as much as `audible` ones.
    if (change.audible !== undefined || change.mutedInfo !== undefined) {
      enqueue({ type: 'tabAudibleChanged', at: clock(), tabId, audible: isHeard(tab) });
    }
  });
  listen(tabs.onRemoved, (tabId) => enqueue({ type: 'tabRemoved', at: clock(), tabId }));
  listen(windows.onFocusChanged, (windowId) => {
    const at = clock();
    focusEvents++;
    if (windowId === windows.WINDOW_ID_NONE) {
      enqueue({ type: 'windowFocusChanged', at, windowId: null });
      return;
    }
    // The window's active tab, when capture knows it, is in its state already.
    const knownActive = loaded?.state.activeTabs[windowId];
    if (loaded && knownActive !== undefined && !needsTabSnapshot(loaded.state, knownActive)) {
      enqueue({ type: 'windowFocusChanged', at, windowId });
      return;
    }
    enqueue(activeTabOf(windowId).then((activeTab) => ({ type: 'windowFocusChanged', at, windowId, activeTab })));
  });
  /**
   * Asks for the tab's title once the signals before have been applied, and applies it as a
   * title change: a reload or a back/forward navigation finds its title already there, and the
   * browser reports no change of it. Asked after the navigation's events are durable, so the
   * lookup does not hold them up.
   */
  function titleFromBrowser(tabId: number): void {
    queue = queue.then(() => {
      writer.afterWrites(() => {
        void tabs.get(tabId).then((tab) => {
          if (tab.title !== undefined) enqueue({ type: 'tabTitleChanged', at: clock(), tabId, title: tab.title, url: tab.url });
        }, () => undefined); // closed meanwhile
      });
    });
  }

  /**
   * A top-frame navigation, committed or by the History API. Back and forward restore the
   * entry's title without the tab reporting a change, and an app may set its title before the
   * History API call: the browser's word settles it.
   */
  function navigated<S extends CaptureSignal & { tabId: number }>(navigation: S, committedAt: number): void {
    const late = !loaded && committedAt < workerStartedAt;
    if (late) lateTabs.add(navigation.tabId);
    const signal = withSnapshot(navigation);
    enqueue(signal);
    // A late navigation's snapshot is taken without its page, title included: the title is asked for.
    if (late || !(signal instanceof Promise)) titleFromBrowser(navigation.tabId);
    confirmFocusUnlessPolled();
  }

  listen(webNavigation.onCommitted, (details) => {
    if (details.frameId !== 0) return;
    navigated({
      type: 'navigationCommitted',
      at: clock(),
      tabId: details.tabId,
      frameId: details.frameId,
      url: details.url,
      transitionType: details.transitionType,
      documentLifecycle: (details as { documentLifecycle?: string }).documentLifecycle,
    }, details.timeStamp);
  });
  listen(webNavigation.onHistoryStateUpdated, (details) => {
    if (details.frameId !== 0) return;
    navigated({
      type: 'historyStateUpdated',
      at: clock(),
      tabId: details.tabId,
      frameId: details.frameId,
      url: details.url,
      forwardBack: details.transitionQualifiers?.includes('forward_back') === true,
    }, details.timeStamp);
  });
  listen(webNavigation.onReferenceFragmentUpdated, ({ tabId, frameId, url }) =>
    enqueue({ type: 'fragmentUpdated', at: clock(), tabId, frameId, url }),
  );
  // Chromium swaps in a prerendered tab this way; Firefox has no tabs.onReplaced at all.
  listen(webNavigation.onTabReplaced, ({ replacedTabId, tabId }) => {
    const at = clock();
    enqueue(snapshotTab(tabs, tabId).then((tab) => ({ type: 'tabReplaced', at, removedTabId: replacedTabId, tab })));
  });
  listen(webNavigation.onCreatedNavigationTarget, ({ sourceTabId, tabId }) =>
    enqueue({ type: 'navigationTargetCreated', at: clock(), sourceTabId, tabId }),
  );
  if (idle) {
    listen(idle.onStateChanged, (state) => {
      enqueue({ type: 'idleStateChanged', at: clock(), state });
      // Back from idle: the focus may have moved meanwhile, unreported (no poll while idle).
      if (state === 'active') confirmFocus();
    });
  }
  // A new policy changes the settings in force as much as the user does; the reader tells of both.
  deps.settings.onChange(() => {
    const settings = deps.settings.settingsNow();
    enqueue({ type: 'settingsChanged', at: clock() }, async (ctx) => {
      ctx.settings = await settings;
      await applyIdleThreshold(ctx.settings);
    });
  });
  removers.push(
    PAUSE.watch(storage, (pause) => {
      const at = clock();
      enqueue({ type: 'pauseChanged', at, paused: isPaused(pause, at) }, () => changeAlarms(() => schedulePauseEnd(pause, at)));
    }),
  );

  // The state is loaded as the worker starts, so the start-up snapshot describes the
  // browser before any signal that woke the worker is applied.
  enqueue(null);

  return {
    alarms: {
      [HEARTBEAT_ALARM]: () => {
        enqueue({ type: 'heartbeat', at: clock() });
        confirmFocus();
      },
      [PAUSE_END_ALARM]: () => enqueue({ type: 'pauseChanged', at: clock(), paused: false }),
    },
    async settled() {
      // Until nothing new arrived meanwhile: every signal applied and its state saved.
      let seen: Promise<void>;
      do {
        seen = queue;
        await seen;
        await writer.settled();
        await Promise.all([saver.flush(), alarmChanges]);
      } while (seen !== queue);
    },
    stop: () => {
      stopped = true;
      saver.stop();
      clearTimeout(settleTimer);
      writer.stop();
      clearInterval(focusPoll);
      removers.splice(0).forEach((remove) => remove());
    },
  };
}
