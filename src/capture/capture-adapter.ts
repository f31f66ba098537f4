import type Browser from 'webextension-polyfill';
import type { RecordedEvent } from '../model/activity-event';
import { isPaused, PAUSE_KEY, PauseSchema } from '../settings/pause';
import { applyManagedPolicy, readManagedPolicy } from '../settings/managed-settings';
import { parseStoredSettings, type Settings } from '../settings/settings';
import { readSettings, SETTINGS_KEY } from '../settings/settings-store';
import { applySignal, type CaptureConfig } from './capture-machine';
import type { CaptureSignal, IdleState, TabSnapshot } from './capture-signal';
import { CaptureStateSchema, OpenViewSchema, initialCaptureState, type CaptureState } from './capture-state';
import { snapshotTab, toTabSnapshot } from './tab-snapshot';

/** The browser APIs capture listens to; `idle` is optional (WXT's fake browser lacks it). */
export type CaptureBrowser = Pick<Browser.Browser, 'tabs' | 'windows' | 'webNavigation' | 'storage' | 'alarms'> & {
  idle?: Pick<Browser.Idle.Static, 'onStateChanged' | 'queryState' | 'setDetectionInterval'>;
};

export interface CaptureAdapterDeps {
  browser: CaptureBrowser;
  /** Makes the events durable; capture waits for it before it saves its own state. */
  record: (events: RecordedEvent[]) => Promise<unknown>;
  newId: (at: number) => string;
  clock?: () => number;
  onError?: (error: unknown) => void;
  /** Told when a signal's events are durable, `latencyMs` after the signal arrived. */
  onRecorded?: (latencyMs: number, events: readonly RecordedEvent[]) => void;
}

export interface CaptureHandle {
  /** Resolves when every signal received so far has been handled. */
  settled(): Promise<void>;
  /** Removes every listener (a worker that stops loses them the same way). */
  stop(): void;
}

interface BrowserEvent<L> {
  addListener(listener: L): void;
  removeListener(listener: L): void;
}

/** storage.session: the machine's state, so a restarted worker resumes mid-view. */
export const STATE_KEY = 'captureState';
/** storage.local: the open view and its last heartbeat, to close it after a crash. */
export const OPEN_VIEW_KEY = 'captureOpenView';
export const HEARTBEAT_ALARM = 'capture-heartbeat';
export const PAUSE_END_ALARM = 'pause-end';
/** storage.local: the administrator's policy as last read, applied while the live read is slow. */
export const POLICY_CACHE_KEY = 'managedPolicyCache';
// Chrome's shortest alarm period: the most foreground time a crash can lose.
const HEARTBEAT_MINUTES = 0.5;

interface Context {
  state: CaptureState;
  settings: Settings;
}

/**
 * Connects the browser to the capture machine. Listeners are registered synchronously, here,
 * so a worker woken by an event sees it (design.md §3). Signals are handled one at a time in
 * the order they arrived, each stamped with its arrival time: events first become durable,
 * then the machine's state is saved.
 */
export function startCapture(deps: CaptureAdapterDeps): CaptureHandle {
  const { browser, record, newId, clock = Date.now, onError = console.error } = deps;
  const { tabs, windows, webNavigation, storage, alarms, idle } = browser;
  let queue: Promise<void> = Promise.resolve();
  const removers: (() => void)[] = [];
  let stopped = false;
  function listen<L>(event: BrowserEvent<L>, listener: L): void {
    event.addListener(listener);
    removers.push(() => event.removeListener(listener));
  }

  const configOf = (settings: Settings): CaptureConfig => ({
    logPrivateWindows: settings.logPrivateWindows,
    searchRules: settings.searchRules,
    allowList: settings.allowList,
    denyList: settings.denyList,
    stripAllQueryStrings: settings.stripAllQueryStrings,
    extraSecretParams: settings.extraSecretParams,
    logFileUrls: settings.logFileUrls,
  });
  // The settings in force include what an administrator locked (storage.managed).
  // Read through the policy as last seen (kept current below), never a live storage.managed
  // read, which can take seconds after a browser start and would stall the whole queue.
  const lastSeenPolicy = {
    get: async () => ((await storage.local.get(POLICY_CACHE_KEY))[POLICY_CACHE_KEY] ?? {}) as Record<string, unknown>,
  };
  const currentSettings = () => readSettings(storage.local, lastSeenPolicy);

  async function step(ctx: Context, signal: CaptureSignal): Promise<void> {
    const before = ctx.state.view;
    const { state, events } = applySignal(ctx.state, signal, configOf(ctx.settings), { newId });
    ctx.state = state;
    if (events.length > 0) {
      await record(events);
      deps.onRecorded?.(clock() - signal.at, events);
    }
    const viewChanged = before?.navId !== state.view?.navId || before?.tabId !== state.view?.tabId;
    persist(state, viewChanged, viewChanged || before?.title !== state.view?.title || signal.type === 'heartbeat');
  }

  /**
   * Saves the machine's state after its events are durable, on a chain of its own: the next
   * signal does not wait for these writes (they were most of capture's latency), and they
   * stay in order. The open view goes to storage.local only when it changes and on the
   * heartbeat, which is what bounds what a crash can lose (design.md §2).
   */
  let persisting: Promise<void> = Promise.resolve();
  function persist(state: CaptureState, viewChanged: boolean, saveOpenView: boolean): void {
    persisting = persisting
      .then(async () => {
        if (stopped) return;
        await Promise.all([
          storage.session.set({ [STATE_KEY]: state }),
          saveOpenView && storage.local.set({ [OPEN_VIEW_KEY]: state.view }),
        ]);
        if (!viewChanged) return;
        if (state.view) await alarms.create(HEARTBEAT_ALARM, { periodInMinutes: HEARTBEAT_MINUTES });
        else await alarms.clear(HEARTBEAT_ALARM);
      })
      .catch(onError);
  }

  /** Applies the idle threshold and tells whether the user is idle now. */
  async function applyIdleThreshold(settings: Settings): Promise<IdleState> {
    if (!idle) return 'active';
    idle.setDetectionInterval(settings.idleThresholdSeconds);
    return idle.queryState(settings.idleThresholdSeconds);
  }

  /**
   * The settings to start with. Chromium can take seconds to answer the first storage.managed
   * read after the browser starts; capture should not stall that long at every start. So the
   * policy last seen is kept in storage.local and applied at once, and the live policy
   * replaces it the moment it is known. (At the very first start there is none to apply:
   * the policy takes effect when the read answers, a few seconds at most.)
   */
  async function settingsForStart(storedSettings: unknown, cachedPolicy: unknown): Promise<Settings> {
    // The user's settings as they were when the load began: later changes come as signals.
    const withPolicy = async (policy: Record<string, unknown>) =>
      applyManagedPolicy(parseStoredSettings(storedSettings), await readManagedPolicy({ get: async () => policy }));
    const live: Promise<Record<string, unknown>> = storage.managed
      ? storage.managed.get(null).catch(() => ({}))
      : Promise.resolve({});
    const lastSeen = typeof cachedPolicy === 'object' && cachedPolicy !== null ? (cachedPolicy as Record<string, unknown>) : null;
    void live.then(async (policy) => {
      if (lastSeen !== null && JSON.stringify(policy) === JSON.stringify(lastSeen)) return;
      await storage.local.set({ [POLICY_CACHE_KEY]: policy });
      const settings = currentSettings();
      enqueue({ type: 'settingsChanged', at: clock() }, async (ctx) => {
        ctx.settings = await settings;
        await applyIdleThreshold(ctx.settings);
      });
    }, onError);
    return withPolicy(lastSeen ?? {});
  }

  /** Resumes the saved state, or — when the session has none — starts from what is open now. */
  async function load(at: number): Promise<Context> {
    // Asked for first: the snapshot must describe the browser as of `at`, before the
    // signals queued behind the load.
    const openWindows = windows.getAll({ populate: true, windowTypes: ['normal'] });
    openWindows.catch(() => undefined); // not needed when the session state is resumed
    const [session, local] = await Promise.all([
      storage.session.get(STATE_KEY),
      storage.local.get([SETTINGS_KEY, PAUSE_KEY, OPEN_VIEW_KEY, POLICY_CACHE_KEY]),
    ]);
    const settings = await settingsForStart(local[SETTINGS_KEY], local[POLICY_CACHE_KEY]);
    const pausedNow = isPaused(local[PAUSE_KEY], at);
    await schedulePauseEnd(local[PAUSE_KEY], at);
    const saved = CaptureStateSchema.safeParse(session[STATE_KEY]);
    if (saved.success) {
      if (idle) idle.setDetectionInterval(settings.idleThresholdSeconds);
      const ctx: Context = { state: saved.data, settings };
      // The pause may have ended (or begun) while no worker was running to hear of it.
      if (saved.data.paused !== pausedNow) await step(ctx, { type: 'pauseChanged', at, paused: pausedNow });
      return ctx;
    }
    const ctx: Context = { state: initialCaptureState(), settings };
    const [open, idleNow] = await Promise.all([openWindows, applyIdleThreshold(settings)]);
    const focused = open.find((window) => window.focused);
    await step(ctx, {
      type: 'startup',
      at,
      focusedWindowId: focused?.id ?? null,
      activeTabs: open
        .flatMap((window) => window.tabs ?? [])
        .filter((tab) => tab.active)
        .map(toTabSnapshot)
        .filter((tab) => tab !== null),
      idle: idleNow,
      paused: pausedNow,
      orphanView: OpenViewSchema.safeParse(local[OPEN_VIEW_KEY]).data ?? null,
    });
    return ctx;
  }

  /**
   * Keeps the alarm that ends a timed pause. Chrome may drop alarms when the browser
   * restarts, so it is set again each time the state is loaded, not only when pausing.
   */
  async function schedulePauseEnd(stored: unknown, at: number): Promise<void> {
    const until = PauseSchema.safeParse(stored).data?.until;
    if (typeof until === 'number' && until > at) await alarms.create(PAUSE_END_ALARM, { when: until });
    else await alarms.clear(PAUSE_END_ALARM);
  }

  /** The state, loaded once per worker; a failed load is tried again with the next signal. */
  let loading: Promise<Context> | null = null;
  const context = () =>
    (loading ??= load(clock()).catch((error: unknown) => {
      loading = null;
      throw error;
    }));

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
    queue = queue
      .then(async () => {
        if (stopped) return;
        const ctx = await context();
        if (update) await update(ctx);
        const ready = await signal;
        if (ready) await step(ctx, ready);
      })
      .catch(onError);
  }

  const withTab = <S extends CaptureSignal>(tabId: number, make: (tab: TabSnapshot) => S) =>
    snapshotTab(tabs, tabId).then(make);

  listen(tabs.onActivated, ({ tabId, windowId }) => {
    const at = clock();
    enqueue(withTab(tabId, (tab) => ({ type: 'tabActivated', at, tab: { ...tab, windowId, active: true } })));
  });
  listen(tabs.onUpdated, (tabId, change, tab) => {
    if (change.title !== undefined) enqueue({ type: 'tabTitleChanged', at: clock(), tabId, title: change.title, url: tab.url });
  });
  listen(tabs.onRemoved, (tabId) => enqueue({ type: 'tabRemoved', at: clock(), tabId }));
  listen(windows.onFocusChanged, (windowId) => {
    const at = clock();
    if (windowId === windows.WINDOW_ID_NONE) {
      enqueue({ type: 'windowFocusChanged', at, windowId: null });
      return;
    }
    enqueue(
      tabs.query({ active: true, windowId }).then(([active]) => ({
        type: 'windowFocusChanged',
        at,
        windowId,
        activeTab: (active && toTabSnapshot(active)) || undefined,
      })),
    );
  });
  listen(webNavigation.onCommitted, (details) => {
    if (details.frameId !== 0) return;
    const at = clock();
    enqueue(
      withTab(details.tabId, (tab) => ({
        type: 'navigationCommitted',
        at,
        tab,
        frameId: details.frameId,
        url: details.url,
        transitionType: details.transitionType,
        documentLifecycle: (details as { documentLifecycle?: string }).documentLifecycle,
      })),
    );
  });
  listen(webNavigation.onHistoryStateUpdated, (details) => {
    if (details.frameId !== 0) return;
    const at = clock();
    enqueue(
      withTab(details.tabId, (tab) => ({ type: 'historyStateUpdated', at, tab, frameId: details.frameId, url: details.url })),
    );
  });
  listen(webNavigation.onReferenceFragmentUpdated, ({ tabId, frameId, url }) =>
    enqueue({ type: 'fragmentUpdated', at: clock(), tabId, frameId, url }),
  );
  // Chromium swaps in a prerendered tab this way; Firefox has no tabs.onReplaced at all.
  listen(webNavigation.onTabReplaced, ({ replacedTabId, tabId }) => {
    const at = clock();
    enqueue(withTab(tabId, (tab) => ({ type: 'tabReplaced', at, removedTabId: replacedTabId, tab })));
  });
  listen(webNavigation.onCreatedNavigationTarget, ({ sourceTabId, tabId }) =>
    enqueue({ type: 'navigationTargetCreated', at: clock(), sourceTabId, tabId }),
  );
  if (idle) listen(idle.onStateChanged, (state) => enqueue({ type: 'idleStateChanged', at: clock(), state }));
  listen(alarms.onAlarm, ({ name }) => {
    if (name === HEARTBEAT_ALARM) enqueue({ type: 'heartbeat', at: clock() });
    if (name === PAUSE_END_ALARM) enqueue({ type: 'pauseChanged', at: clock(), paused: false });
  });
  listen(storage.onChanged, (changes, area) => {
    const at = clock();
    // A policy update (area `managed`) changes the settings in force as much as the user does.
    if (area === 'managed' || (area === 'local' && SETTINGS_KEY in changes)) {
      const settings =
        area === 'managed' && storage.managed
          ? storage.managed
              .get(null)
              .then((policy) => storage.local.set({ [POLICY_CACHE_KEY]: policy }))
              .then(currentSettings)
          : currentSettings();
      enqueue({ type: 'settingsChanged', at }, async (ctx) => {
        ctx.settings = await settings;
        await applyIdleThreshold(ctx.settings);
      });
    }
    if (area === 'local' && PAUSE_KEY in changes) {
      const stored = changes[PAUSE_KEY]!.newValue;
      enqueue({ type: 'pauseChanged', at, paused: isPaused(stored, at) }, () => schedulePauseEnd(stored, at));
    }
  });

  // The state is loaded as the worker starts, so the start-up snapshot describes the
  // browser before any signal that woke the worker is applied.
  enqueue(null);

  return {
    async settled() {
      // Until nothing new arrived meanwhile: every signal applied and its state saved.
      let seen: Promise<void>;
      do {
        seen = queue;
        await seen;
        await persisting;
      } while (seen !== queue);
    },
    stop: () => {
      stopped = true;
      removers.splice(0).forEach((remove) => remove());
    },
  };
}
