import { IDBFactory } from 'fake-indexeddb';
import type Browser from 'webextension-polyfill';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  HEARTBEAT_ALARM,
  PAUSE_END_ALARM,
  startCapture,
  type CaptureAdapterDeps,
  type CaptureBrowser,
  type CaptureHandle,
} from '../../../src/capture/capture-adapter';
import type { IdleState } from '../../../src/capture/capture-signal';
import { CAPTURE_BACKLOG, CAPTURE_SESSION, CAPTURE_STATE } from '../../../src/settings/stored-items';
import type { RecordedEvent } from '../../../src/model/activity-event';
import { uuidv7 } from '../../../src/model/event-id';
import { runAlarms } from '../../../src/platform/alarm-table';
import { settingsReaderOf } from '../../../src/settings/settings-reader';
import { openEventLog, type EventLog } from '../../../src/store/event-log';
import { T0, describeEvent } from './scenario';

type Listener<A extends unknown[]> = (...args: A) => void;

/** WXT's fakeBrowser has no `idle` API: a minimal one that tests can drive. */
function fakeIdle() {
  const listeners: Listener<[IdleState]>[] = [];
  return {
    threshold: 0,
    onStateChanged: {
      addListener: (listener: Listener<[IdleState]>) => listeners.push(listener),
      removeListener: (listener: Listener<[IdleState]>) => listeners.splice(listeners.indexOf(listener), 1),
    } as unknown as Browser.Idle.Static['onStateChanged'],
    queryState: async () => 'active' as IdleState,
    setDetectionInterval(seconds: number) {
      this.threshold = seconds;
    },
    fire: (state: IdleState) => listeners.forEach((listener) => listener(state)),
  };
}

let now: number;
let log: EventLog;
let idle: ReturnType<typeof fakeIdle>;
let errors: unknown[];

const running: CaptureHandle[] = [];

function start(overrides: Partial<CaptureBrowser> = {}, deps: Partial<CaptureAdapterDeps> = {}): CaptureHandle {
  const browser: CaptureBrowser = { ...(fakeBrowser as unknown as CaptureBrowser), idle, ...overrides };
  const capture = startCapture({
    browser,
    settings: deps.settings ?? settingsReaderOf(browser.storage),
    record: async (events, openView) => {
      if (diskFull) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return log.append(events, { openView });
    },
    readOpenView: () => log.openView(),
    newId: uuidv7,
    clock: () => now,
    onError: (error) => errors.push(error),
    ...deps,
  });
  // What the background does with capture's alarm jobs (entrypoints/background.ts).
  runAlarms(fakeBrowser.alarms.onAlarm, capture.alarms);
  running.push(capture);
  return capture;
}

/** The worker stops: its listeners and memory are gone, storage stays (or not, after a crash). */
async function stopWorker({ keepSession }: { keepSession: boolean }): Promise<void> {
  // Let work started by earlier answers (the policy read) reach the queue and finish.
  for (let round = 0; round < 3; round++) {
    await Promise.all(running.map((capture) => capture.settled()));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  running.splice(0).forEach((capture) => capture.stop());
  const session = await fakeBrowser.storage.session.get();
  const local = await fakeBrowser.storage.local.get();
  fakeBrowser.reset();
  await focusTheWindow();
  if (keepSession) await fakeBrowser.storage.session.set(session);
  await fakeBrowser.storage.local.set(local);
}

/** Runs `check` until it passes (up to 1 s), letting `settle` run in between. */
async function eventually(check: () => Promise<void>, settle: () => Promise<void>): Promise<void> {
  for (let tries = 0; ; tries++) {
    await settle();
    try {
      return await check();
    } catch (error) {
      if (tries >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

async function lines(): Promise<string[]> {
  return (await log.recent(100)).reverse().map((entry) => describeEvent(entry.event));
}

async function openTab(url: string, active = true): Promise<Browser.Tabs.Tab> {
  return (await fakeBrowser.tabs.create({ url, active, windowId })) as unknown as Browser.Tabs.Tab;
}

let windowId: number;
/** Whether the window has focus, as `windows.getLastFocused` tells (the events may not). */
let windowFocused: boolean;

/** fakeBrowser's window 0 has no focus and cannot be given it: open a focused window. */
async function focusTheWindow(): Promise<void> {
  windowId = (await fakeBrowser.windows.create({ focused: true }))!.id!;
  windowFocused = true;
  // fakeBrowser answers with the window focused before the current one; a browser answers
  // with the current one.
  vi.spyOn(fakeBrowser.windows, 'getLastFocused').mockImplementation(
    async () => ({ id: windowId, focused: windowFocused }) as Browser.Windows.Window,
  );
}

const heartbeatAlarm = () => ({ name: HEARTBEAT_ALARM, scheduledTime: now }) as never;

function commit(tabId: number, url: string, transitionType = 'typed', committedAt = now) {
  return fakeBrowser.webNavigation.onCommitted.trigger({
    tabId,
    frameId: 0,
    parentFrameId: -1,
    processId: 1,
    url,
    timeStamp: committedAt,
    transitionType,
    transitionQualifiers: [],
  } as never);
}

afterEach(() => {
  running.splice(0).forEach((capture) => capture.stop());
  vi.restoreAllMocks();
});

beforeEach(async () => {
  diskFull = false;
  fakeBrowser.reset();
  await focusTheWindow();
  now = T0;
  errors = [];
  idle = fakeIdle();
  log = await openEventLog(new IDBFactory());
});

describe('capture adapter', () => {
  it('feeds real browser events to the machine and makes the events durable', async () => {
    const tab = await openTab('https://a.example/');
    const capture = start();
    await commit(tab.id!, 'https://a.example/');
    now += 5_000;
    await fakeBrowser.tabs.onUpdated.trigger(tab.id!, { title: 'Page A' }, tab as never);
    await commit(tab.id!, 'https://a.example/next', 'link');
    await capture.settled();
    expect(await lines()).toEqual([
      'view https://a.example/ @0',
      'done https://a.example/ @0 5s',
      'view https://a.example/next @5',
    ]);
    const [completion] = (await log.recent(2)).slice(1);
    expect(completion?.event.params).toEqual({ duration: 5, title: 'Page A' });
    expect(errors).toEqual([]);
  });

  it('reports the time from a signal\'s arrival to its events being durable', async () => {
    const tab = await openTab('https://a.example/');
    let monotonic = 1_000;
    const latencies: number[] = [];
    const capture = start({}, {
      record: async (events, openView) => {
        await log.append(events, { openView });
        monotonic += 3.5; // the write's time
      },
      monotonic: () => monotonic,
      onRecorded: (latencyMs) => latencies.push(latencyMs),
    });
    await capture.settled();
    latencies.length = 0; // the start-up's own
    await commit(tab.id!, 'https://b.example/', 'link');
    await capture.settled();
    expect(latencies).toEqual([3.5]);
  });

  it('asks for the next write before the one before is complete, and saves the state only after both', async () => {
    const tab = await openTab('https://a.example/');
    const asked: string[] = [];
    let hold = false;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const capture = start({}, {
      record: async (events, openView) => {
        asked.push(events.map(describeEvent).join(', '));
        // The write starts now (the contract), only its completion is held back.
        const written = log.append(events, { openView });
        if (hold) await held;
        await written;
      },
    });
    await capture.settled();
    hold = true;
    asked.length = 0;
    now += 2_000;
    await commit(tab.id!, 'https://b.example/', 'link');
    now += 3_000;
    await commit(tab.id!, 'https://c.example/', 'link');
    await new Promise((resolve) => setTimeout(resolve, 300)); // past the session saver's delay
    expect(asked).toEqual([
      'done https://a.example/ @0 2s, view https://b.example/ @2',
      'done https://b.example/ @2 3s, view https://c.example/ @5',
    ]);
    // Not durable yet as far as capture knows: the session state still has the first view.
    const { [CAPTURE_STATE.key]: early } = await fakeBrowser.storage.session.get(CAPTURE_STATE.key);
    expect(early).toMatchObject({ view: { url: 'https://a.example/' } });
    release();
    await capture.settled();
    const { [CAPTURE_STATE.key]: late } = await fakeBrowser.storage.session.get(CAPTURE_STATE.key);
    expect(late).toMatchObject({ view: { url: 'https://c.example/' } });
    expect((await lines()).slice(-2)).toEqual(['done https://b.example/ @2 3s', 'view https://c.example/ @5']);
  });

  it('reports a write that fails and goes on: a throwing listener stops nothing', async () => {
    const tab = await openTab('https://a.example/');
    const capture = start({}, {
      record: (events, openView) => log.append(events, { openView }),
      onRecorded: () => {
        throw new Error('a listener that throws');
      },
    });
    await capture.settled();
    now += 1_000;
    await commit(tab.id!, 'https://b.example/', 'link');
    now += 1_000;
    await commit(tab.id!, 'https://c.example/', 'link');
    await capture.settled();
    expect(errors.map((error) => (error as Error).message)).toContain('a listener that throws');
    expect((await lines()).slice(-2)).toEqual(['done https://b.example/ @1 1s', 'view https://c.example/ @2']);
    const { [CAPTURE_STATE.key]: state } = await fakeBrowser.storage.session.get(CAPTURE_STATE.key);
    expect(state).toMatchObject({ view: { url: 'https://c.example/' } });
  });

  it('asks the browser for a tab before recording only until it knows the tab', async () => {
    const tab = await openTab('https://a.example/');
    const steps: string[] = [];
    const capture = start({}, {
      record: async (events, openView) => {
        await log.append(events, { openView });
        if (events.length > 0) steps.push(`record ${events.length}`);
      },
    });
    await capture.settled();
    expect(steps).toEqual(['record 1']); // the page in front at start-up
    steps.length = 0;
    const get = vi.spyOn(fakeBrowser.tabs, 'get');
    get.mockImplementation(async (id) => {
      steps.push(`get ${id === tab.id ? 'known' : 'new'}`);
      return (await fakeBrowser.tabs.query({})).find((t) => t.id === id)!;
    });
    // Known from the start-up snapshot: recorded first, and the title asked afterwards.
    await commit(tab.id!, 'https://a.example/2', 'link');
    await capture.settled();
    expect(steps).toEqual(['record 2', 'get known']);
    // A tab capture has not seen: its snapshot is needed to know what it is.
    steps.length = 0;
    const other = await openTab('https://b.example/', false);
    await commit(other.id!, 'https://b.example/');
    await capture.settled();
    expect(steps).toEqual(['get new']); // in the background: nothing to record
    await fakeBrowser.tabs.onActivated.trigger({ tabId: other.id!, windowId } as never);
    await capture.settled();
    expect(steps).toEqual(['get new', 'record 2']); // known by now
    expect(await lines()).toEqual([
      'view https://a.example/ @0',
      'done https://a.example/ @0 0s',
      'view https://a.example/2 @0',
      'done https://a.example/2 @0 0s',
      'view https://b.example/ @0',
    ]);
  });

  it('keeps its state in storage.session and the open view in the log, with a heartbeat alarm', async () => {
    const tab = await openTab('https://a.example/');
    const capture = start();
    await commit(tab.id!, 'https://a.example/');
    await capture.settled();
    const { [CAPTURE_STATE.key]: state } = await fakeBrowser.storage.session.get(CAPTURE_STATE.key);
    expect(state).toMatchObject({ view: { url: 'https://a.example/' } });
    expect(await log.openView()).toMatchObject({ url: 'https://a.example/', startedAt: T0 });
    expect(await fakeBrowser.alarms.get(HEARTBEAT_ALARM)).toMatchObject({ periodInMinutes: 0.5 });
    // A new title alone is written with the session state, a moment later.
    await fakeBrowser.tabs.onUpdated.trigger(tab.id!, { title: 'Page A' }, { ...tab, url: 'https://a.example/' } as never);
    expect(((await log.openView()) as { title?: string }).title).toBeUndefined();
    await eventually(async () => expect(await log.openView()).toMatchObject({ title: 'Page A' }), async () => undefined);
    now += 30_000;
    await fakeBrowser.alarms.onAlarm.trigger(heartbeatAlarm());
    await capture.settled();
    expect(await log.openView()).toMatchObject({ title: 'Page A', lastAliveAt: T0 + 30_000 });
    windowFocused = false;
    fakeBrowser.windows.onFocusChanged.trigger(fakeBrowser.windows.WINDOW_ID_NONE);
    await capture.settled();
    expect(await log.openView()).toBeNull();
    expect(await fakeBrowser.alarms.get(HEARTBEAT_ALARM)).toBeFalsy();
  });

  it('takes the log\'s word for the open view when the worker stopped before its state was saved', async () => {
    const tab = await openTab('https://a.example/');
    const capture = start();
    await commit(tab.id!, 'https://a.example/');
    await capture.settled();
    const { [CAPTURE_STATE.key]: stale } = await fakeBrowser.storage.session.get(CAPTURE_STATE.key);
    now += 5_000;
    await commit(tab.id!, 'https://b.example/', 'link');
    // Stopped with B's events durable but the state as of A: the session saves come later.
    await stopWorker({ keepSession: true });
    await fakeBrowser.storage.session.set({ [CAPTURE_STATE.key]: stale });
    const restarted = await openTab('https://b.example/');

    now += 3_000;
    const next = start();
    await commit(restarted.id!, 'https://c.example/');
    await next.settled();
    expect(await lines()).toEqual([
      'view https://a.example/ @0',
      'done https://a.example/ @0 5s',
      'view https://b.example/ @5',
      'done https://b.example/ @5 3s',
      'view https://c.example/ @8',
    ]);
  });

  it('records the pages a tab went through while no worker ran in their order, once each, though the start-up snapshot shows the last', async () => {
    // A new browser session: nothing saved. The tab already shows C when the worker starts;
    // the browser then delivers the commits of A, B and C it queued while the worker started.
    const tab = await openTab('https://c.example/');
    const get = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id) => ({ ...(await get(id)), title: 'Page C' }));
    now += 10_000;
    const capture = start();
    void commit(tab.id!, 'https://a.example/', 'typed', now - 300);
    void commit(tab.id!, 'https://b.example/', 'link', now - 200);
    void commit(tab.id!, 'https://c.example/', 'link', now - 100);
    await eventually(async () => expect(await lines()).toHaveLength(5), () => capture.settled());
    expect(await lines()).toEqual([
      'view https://a.example/ @10',
      'done https://a.example/ @10 0s',
      'view https://b.example/ @10',
      'done https://b.example/ @10 0s',
      'view https://c.example/ @10',
    ]);
    // Each page's referrer is the page before it, not the page the snapshot showed.
    expect((await log.recent(100)).reverse().map((entry) => entry.event.params?.referrer)).toEqual([
      undefined,
      undefined,
      'https://a.example/',
      'https://a.example/',
      'https://b.example/',
    ]);
    // The last page has its own title, from the browser, once its commit is applied.
    await eventually(async () => expect((await log.openView()) as { title?: string } | null).toMatchObject({ title: 'Page C' }), () => capture.settled());
  });

  it('resumes mid-view after the worker restarts', async () => {
    const tab = await openTab('https://a.example/');
    start();
    await commit(tab.id!, 'https://a.example/');
    await stopWorker({ keepSession: true });
    const restarted = await openTab('https://a.example/');

    now += 42_000;
    const capture = start();
    await commit(restarted.id!, 'https://b.example/');
    await capture.settled();
    expect(await lines()).toEqual([
      'view https://a.example/ @0',
      'done https://a.example/ @0 42s',
      'view https://b.example/ @42',
    ]);
  });

  it('closes a view left open by a crash at the next start, up to its last heartbeat', async () => {
    const tab = await openTab('https://a.example/');
    start();
    await commit(tab.id!, 'https://a.example/');
    now += 30_000;
    await fakeBrowser.alarms.onAlarm.trigger(heartbeatAlarm());
    // The browser crashes: session storage is lost, local storage kept.
    await stopWorker({ keepSession: false });

    now += 3_600_000;
    const capture = start();
    await fakeBrowser.alarms.onAlarm.trigger(heartbeatAlarm());
    await capture.settled();
    expect(await lines()).toEqual(['view https://a.example/ @0', 'done https://a.example/ @0 30s']);
  });

  it('ends the view when the user goes idle, and applies the idle threshold from settings', async () => {
    await fakeBrowser.storage.local.set({ settings: { idleThresholdSeconds: 120 } });
    const tab = await openTab('https://a.example/');
    const capture = start();
    await commit(tab.id!, 'https://a.example/');
    now += 9_000;
    idle.fire('locked');
    await capture.settled();
    expect(idle.threshold).toBe(120);
    expect((await lines()).at(-1)).toBe('done https://a.example/ @0 9s');
  });

  it('follows settings and pause as they change', async () => {
    const tab = await openTab('about:blank');
    const capture = start();
    await fakeBrowser.storage.local.set({ settings: { searchRules: [{ host: '127.0.0.1:8080', param: 'q' }] } });
    await commit(tab.id!, 'http://127.0.0.1:8080/find?q=budget');
    now += 2_000;
    await fakeBrowser.storage.local.set({ pause: { until: null } });
    await commit(tab.id!, 'http://127.0.0.1:8080/paused');
    now += 2_000;
    await fakeBrowser.storage.local.set({ pause: { until: now + 3_600_000 } });
    await capture.settled();
    expect(await lines()).toEqual(['search "budget" http://127.0.0.1:8080/find?q=budget @0']);
    await fakeBrowser.storage.local.remove('pause');
    await capture.settled();
    expect((await lines()).at(-1)).toBe('view http://127.0.0.1:8080/paused @4');
  });

  it('handles signals in the order they arrived, stamped with their arrival time', async () => {
    const a = await openTab('https://a.example/');
    const b = await openTab('https://b.example/', false);
    const capture = start();
    await commit(a.id!, 'https://a.example/');
    now += 1_000;
    void fakeBrowser.tabs.onActivated.trigger({ tabId: b.id!, windowId: b.windowId! });
    now += 1_000;
    void fakeBrowser.tabs.onActivated.trigger({ tabId: a.id!, windowId: a.windowId! });
    await capture.settled();
    expect(await lines()).toEqual([
      'view https://a.example/ @0',
      'done https://a.example/ @0 1s',
      'view https://b.example/ @1',
      'done https://b.example/ @1 1s',
      'view https://a.example/ @2',
    ]);
  });
});

describe('pause survives restarts (docs/design.md §6)', () => {
  it('stays paused indefinitely across a worker restart', async () => {
    const tab = await openTab('https://a.example/');
    start();
    await fakeBrowser.storage.local.set({ pause: { until: null } });
    await stopWorker({ keepSession: true });
    now += 60_000;
    const capture = start();
    await commit(tab.id!, 'https://paused.example/');
    await capture.settled();
    expect(await lines()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('stays paused for the hour across a browser restart, sets its end again, and resumes at the end', async () => {
    const tab = await openTab('https://a.example/');
    start();
    const until = now + 3_600_000;
    await fakeBrowser.storage.local.set({ pause: { until } });
    // The browser restarts: session storage and (as Chrome may) the alarms are gone.
    await stopWorker({ keepSession: false });
    expect(await fakeBrowser.alarms.get(PAUSE_END_ALARM)).toBeUndefined();
    const restarted = await openTab('https://a.example/');

    now += 600_000;
    const capture = start();
    await commit(restarted.id!, 'https://paused.example/');
    await capture.settled();
    expect(await lines()).toEqual([]);
    expect(await fakeBrowser.alarms.get(PAUSE_END_ALARM)).toMatchObject({ scheduledTime: until });

    now = until;
    await fakeBrowser.alarms.onAlarm.trigger({ name: PAUSE_END_ALARM, scheduledTime: until } as never);
    await capture.settled();
    expect(await lines()).toEqual(['view https://paused.example/ @3600']);
    expect(errors).toEqual([]);
  });

  it('records again after a worker restart when the pause ended while no worker ran', async () => {
    const tab = await openTab('https://a.example/');
    start();
    await fakeBrowser.storage.local.set({ pause: { until: now + 60_000 } });
    await commit(tab.id!, 'https://paused.example/');
    await stopWorker({ keepSession: true });
    // The pause-end alarm was missed (alarms cleared) and the hour is over.
    now += 120_000;
    const capture = start();
    await commit(tab.id!, 'https://after.example/');
    await capture.settled();
    // At start the worker learns the pause is over: the page in front starts a view, as on
    // "Resume"; nothing of the paused minute is recorded.
    expect(await lines()).toEqual([
      'view https://paused.example/ @120',
      'done https://paused.example/ @120 0s',
      'view https://after.example/ @120',
    ]);
  });
});

describe('privacy settings', () => {
  it('applies the deny list, the secret parameters and "strip all query strings" from settings', async () => {
    await fakeBrowser.storage.local.set({
      settings: { denyList: ['*.bank.example'], extraSecretParams: ['ticket'], stripAllQueryStrings: false },
    });
    const tab = await openTab('about:blank');
    const capture = start();
    await commit(tab.id!, 'https://online.bank.example/account');
    now += 1_000;
    await commit(tab.id!, 'https://a.example/p?ticket=1&token=2&q=3#x');
    now += 1_000;
    await fakeBrowser.storage.local.set({ settings: { stripAllQueryStrings: true } });
    await commit(tab.id!, 'https://a.example/p?q=4');
    await capture.settled();
    expect(await lines()).toEqual([
      'view https://a.example/p?q=3 @1',
      'done https://a.example/p?q=3 @1 1s',
      'view https://a.example/p @2',
    ]);
  });

  it('follows settings locked by the administrator over the user\'s, also when the policy changes', async () => {
    // The policy as an earlier start saw it (the very first start has to wait for the read).
    await fakeBrowser.storage.local.set({ settings: { denyList: [] }, managedPolicyCache: { denyList: ['a.example'] } });
    await fakeBrowser.storage.managed.set({ denyList: ['a.example'] });
    const tab = await openTab('about:blank');
    const capture = start();
    await commit(tab.id!, 'https://a.example/');
    now += 1_000;
    await fakeBrowser.storage.managed.set({ denyList: ['b.example'] });
    await commit(tab.id!, 'https://b.example/');
    now += 1_000;
    await commit(tab.id!, 'https://a.example/again');
    await capture.settled();
    // Denied at first; the new policy allows a.example while it is in front, and denies b.example.
    expect(await lines()).toEqual([
      'view https://a.example/ @1',
      'done https://a.example/ @1 0s',
      'view https://a.example/again @2',
    ]);
  });

  it('reads the settings through the settings reader, never storage.managed itself', async () => {
    await fakeBrowser.storage.local.set({ managedPolicyCache: { denyList: ['a.example'] } });
    await fakeBrowser.storage.managed.set({ denyList: ['a.example'] });
    let managedReads = 0;
    const counted = { get: async (keys: null) => (managedReads++, fakeBrowser.storage.managed.get(keys)), set: async () => undefined };
    const tab = await openTab('about:blank');
    // The reader is built on the real area; capture gets a browser whose managed area counts.
    const capture = start({ storage: { ...fakeBrowser.storage, managed: counted } as never }, { settings: settingsReaderOf(fakeBrowser.storage) });
    await commit(tab.id!, 'https://a.example/');
    await capture.settled();
    expect(await lines()).toEqual([]); // denied by the policy
    await fakeBrowser.storage.managed.set({ denyList: [] });
    now += 1_000;
    await commit(tab.id!, 'https://a.example/again');
    await capture.settled();
    // The new policy allows a.example while it is in front.
    expect(await lines()).toEqual(['view https://a.example/ @0', 'done https://a.example/ @0 1s', 'view https://a.example/again @1']);
    expect(managedReads).toBe(0);
  });

  it('does not hold up start-up for a slow policy read, and applies the policy once it is known', async () => {
    // Right after a browser start Chromium can take seconds to answer storage.managed. An
    // earlier start saw no policy; capture starts with that and does not wait.
    await fakeBrowser.storage.local.set({ managedPolicyCache: {} });
    let answerPolicy!: (policy: Record<string, unknown>) => void;
    const slowPolicy = new Promise<Record<string, unknown>>((resolve) => (answerPolicy = resolve));
    const managed = { get: () => slowPolicy, set: async () => undefined };
    const tab = await openTab('about:blank');
    const capture = start({ storage: { ...fakeBrowser.storage, managed } as never });
    await commit(tab.id!, 'https://a.example/');
    await capture.settled();
    expect(await lines()).toEqual(['view https://a.example/ @0']);
    now += 3_000;
    answerPolicy({ denyList: ['a.example'] });
    // Once the policy is in force a.example is denied: its view closes with nothing more recorded.
    await eventually(async () => expect((await lines()).length).toBe(1), () => capture.settled());
    await commit(tab.id!, 'https://b.example/');
    await commit(tab.id!, 'https://a.example/again');
    await capture.settled();
    expect(await lines()).toEqual(['view https://a.example/ @0', 'view https://b.example/ @3', 'done https://b.example/ @3 0s']);
    expect(errors).toEqual([]);
  });
});

describe('capture on real sites (docs/design.md §3)', () => {
  function historyUpdate(tabId: number, url: string, transitionQualifiers: string[] = []) {
    return fakeBrowser.webNavigation.onHistoryStateUpdated.trigger({
      tabId,
      frameId: 0,
      parentFrameId: -1,
      processId: 1,
      url,
      timeStamp: now,
      transitionType: 'link',
      transitionQualifiers,
    } as never);
  }

  it('asks which window has focus at the heartbeat, so an unreported focus loss ends the view', async () => {
    const tab = await openTab('https://a.example/');
    const capture = start();
    await commit(tab.id!, 'https://a.example/');
    await capture.settled();
    // Chromium's first focus loss after launch: no onFocusChanged, but the window says so.
    windowFocused = false;
    now += 30_000;
    await fakeBrowser.alarms.onAlarm.trigger(heartbeatAlarm());
    await eventually(
      async () => expect(await lines()).toEqual(['view https://a.example/ @0', 'done https://a.example/ @0 30s']),
      () => capture.settled(),
    );
    // The return is reported: a new view.
    now += 5_000;
    windowFocused = true;
    await fakeBrowser.windows.onFocusChanged.trigger(windowId);
    await capture.settled();
    expect((await lines()).at(-1)).toBe('view https://a.example/ @35');
  });

  it('asks for the focus every focusPollMs while a view is open or the browser is unfocused: unreported changes end and start views', async () => {
    const tab = await openTab('https://a.example/');
    const capture = start({}, { focusPollMs: 10 });
    await commit(tab.id!, 'https://a.example/');
    await capture.settled();
    // Chromium on X11: neither the loss nor the return is reported, only the window says so.
    now += 3_000;
    windowFocused = false;
    await eventually(
      async () => expect(await lines()).toEqual(['view https://a.example/ @0', 'done https://a.example/ @0 3s']),
      () => capture.settled(),
    );
    now += 5_000;
    windowFocused = true;
    await eventually(
      async () => expect((await lines()).at(-1)).toBe('view https://a.example/ @8'),
      () => capture.settled(),
    );
    expect(errors).toEqual([]);
  });

  it('stops asking for the focus while the answer could change nothing (no view, the window focused)', async () => {
    const tab = await openTab('https://a.example/');
    const asked = vi.mocked(fakeBrowser.windows.getLastFocused);
    const capture = start({}, { focusPollMs: 10 });
    await commit(tab.id!, 'https://a.example/');
    await capture.settled();
    await eventually(async () => expect(asked.mock.calls.length).toBeGreaterThan(2), () => capture.settled());
    // A page capture does not record: no view, and focus can be confirmed at the next signal.
    await commit(tab.id!, 'about:blank');
    await capture.settled();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const calls = asked.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(asked.mock.calls.length).toBe(calls);
    expect(await lines()).toEqual(['view https://a.example/ @0', 'done https://a.example/ @0 0s']);
  });

  it('asks for the focus on navigations and tab switches only while the poll is not running', async () => {
    const asked = vi.mocked(fakeBrowser.windows.getLastFocused);
    const first = await openTab('about:blank');
    const second = await openTab('https://b.example/', false);
    // A poll far apart: only the signals can ask within the test.
    const capture = start({}, { focusPollMs: 60_000 });
    await capture.settled();
    const before = asked.mock.calls.length;
    // No view yet: the first navigation asks, and its view starts the poll.
    await commit(first.id!, 'https://a.example/');
    await capture.settled();
    expect(asked.mock.calls.length).toBe(before + 1);
    // With the poll running, neither navigations nor a tab switch ask again.
    await commit(first.id!, 'https://a.example/2');
    await commit(first.id!, 'https://a.example/3');
    await fakeBrowser.tabs.onActivated.trigger({ tabId: second.id!, windowId });
    await commit(second.id!, 'https://b.example/2');
    await capture.settled();
    expect(asked.mock.calls.length).toBe(before + 1);
    expect((await lines()).filter((line) => line.startsWith('view'))).toEqual([
      'view https://a.example/ @0',
      'view https://a.example/2 @0',
      'view https://a.example/3 @0',
      'view https://b.example/ @0',
      'view https://b.example/2 @0',
    ]);
    // The heartbeat still asks.
    await fakeBrowser.alarms.onAlarm.trigger(heartbeatAlarm());
    await capture.settled();
    expect(asked.mock.calls.length).toBe(before + 2);
    expect(errors).toEqual([]);
  });

  it('drops a focus answer that a focus event overtook', async () => {
    const tab = await openTab('https://a.example/');
    const capture = start();
    await commit(tab.id!, 'https://a.example/');
    await capture.settled();
    let answer!: (window: Browser.Windows.Window) => void;
    vi.spyOn(fakeBrowser.windows, 'getLastFocused').mockReturnValue(new Promise((resolve) => (answer = resolve)) as never);
    now += 30_000;
    await fakeBrowser.alarms.onAlarm.trigger(heartbeatAlarm());
    now += 1_000;
    await fakeBrowser.windows.onFocusChanged.trigger(fakeBrowser.windows.WINDOW_ID_NONE);
    now += 1_000;
    await fakeBrowser.windows.onFocusChanged.trigger(windowId);
    answer({ id: windowId, focused: false } as Browser.Windows.Window);
    await capture.settled();
    await capture.settled();
    expect(await lines()).toEqual(['view https://a.example/ @0', 'done https://a.example/ @0 31s', 'view https://a.example/ @32']);
  });

  it('counts idle time of a tab that plays sound, but not of a muted one', async () => {
    const tab = await openTab('https://a.example/video');
    const capture = start();
    await commit(tab.id!, 'https://a.example/video');
    const playing = { ...tab, url: 'https://a.example/video', audible: true };
    await fakeBrowser.tabs.onUpdated.trigger(tab.id!, { audible: true }, { ...playing, mutedInfo: { muted: false } } as never);
    now += 20_000;
    idle.fire('idle');
    await capture.settled();
    expect(await lines()).toEqual(['view https://a.example/video @0']);
    // Muted by the user: heard no more, and the idle user is not watching.
    now += 10_000;
    await fakeBrowser.tabs.onUpdated.trigger(tab.id!, { mutedInfo: { muted: true } }, { ...playing, mutedInfo: { muted: true } } as never);
    await capture.settled();
    expect(await lines()).toEqual(['view https://a.example/video @0', 'done https://a.example/video @0 30s']);
  });

  it('takes the title the browser reports after a back navigation in a single-page app', async () => {
    const item = 'https://rr.example/app/item/42';
    const tab = await openTab(item);
    const capture = start();
    await commit(tab.id!, item);
    await fakeBrowser.tabs.onUpdated.trigger(tab.id!, { title: 'RR Item 42' }, { ...tab, url: item } as never);
    now += 2_000;
    await historyUpdate(tab.id!, `${item}?tab=2`);
    await fakeBrowser.tabs.onUpdated.trigger(tab.id!, { title: 'RR Item 42 (tab 2)' }, { ...tab, url: `${item}?tab=2` } as never);
    now += 3_000;
    // Back: the entry's title comes back with it, and the tab reports no title change.
    await fakeBrowser.tabs.update(tab.id!, { url: item });
    vi.spyOn(fakeBrowser.tabs, 'get').mockResolvedValue({ ...tab, url: item, title: 'RR Item 42' } as never);
    await historyUpdate(tab.id!, item, ['forward_back']);
    await capture.settled();
    now += 4_000;
    await commit(tab.id!, 'https://c.example/');
    await eventually(async () => {
      const done = (await log.recent(100)).reverse().map((entry) => entry.event).filter((event) => event.params?.duration !== undefined);
      expect(done.map((event) => [event.url, event.params?.title])).toEqual([
        [item, 'RR Item 42'],
        [`${item}?tab=2`, 'RR Item 42 (tab 2)'],
        [item, 'RR Item 42'],
      ]);
    }, () => capture.settled());
  });

  it('records a burst of same-document changes once it settled, and keeps it through a stopped worker', async () => {
    const app = 'https://app.example/find';
    const tab = await openTab(app);
    const capture = start();
    await commit(tab.id!, app);
    now += 4_000;
    await historyUpdate(tab.id!, `${app}?q=h`);
    now += 280;
    await historyUpdate(tab.id!, `${app}?q=he`);
    await capture.settled();
    // The pending view is durable with the log's open view, though its start is not recorded.
    expect(await log.openView()).toMatchObject({ url: `${app}?q=he`, startedAt: T0 + 4_000, settleUntil: T0 + 5_280 });
    expect(await lines()).toEqual([`view ${app} @0`, `done ${app} @0 4s`]);
    await stopWorker({ keepSession: true });
    const restarted = await openTab('about:blank');

    // The next worker settles it with its first signal, here the heartbeat.
    now += 2_000;
    const next = start();
    await fakeBrowser.alarms.onAlarm.trigger(heartbeatAlarm());
    await next.settled();
    expect((await lines()).at(-1)).toBe(`view ${app}?q=he @4`);
    await commit(restarted.id!, 'https://c.example/');
    await next.settled();
    expect(await lines()).toEqual([
      `view ${app} @0`,
      `done ${app} @0 4s`,
      `view ${app}?q=he @4`,
      `done ${app}?q=he @4 2s`,
      'view https://c.example/ @6.28',
    ]);
  });

  it('settles a burst by its own timer when nothing else happens', async () => {
    const app = 'https://app.example/find';
    const tab = await openTab(app);
    const capture = start();
    await commit(tab.id!, app);
    await historyUpdate(tab.id!, `${app}?q=h`);
    await capture.settled();
    expect(await lines()).toEqual([`view ${app} @0`, `done ${app} @0 0s`]);
    now += 1_000;
    // The adapter's real timer, SETTLE_MS from the change: waited for on the real clock.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await eventually(
      async () => expect(await lines()).toEqual([`view ${app} @0`, `done ${app} @0 0s`, `view ${app}?q=h @0`]),
      () => capture.settled(),
    );
  });
});

/**
 * The disk is full: the log over fake-indexeddb refuses every append the way a browser does
 * (QuotaExceededError, nothing of the transaction written), until `free()`.
 */
let diskFull = false;
function fillTheDisk(): { free: () => void } {
  diskFull = true;
  return { free: () => (diskFull = false) };
}

describe('a log write that fails (docs/design.md §3)', () => {
  it('keeps the events, writes them before later ones once it can, and never saves a state ahead of them', async () => {
    const tab = await openTab('https://a.example/');
    const failing: { name: string; waiting: number }[] = [];
    let recovered = 0;
    const capture = start({}, {
      onWriteFailing: (error, waiting) => failing.push({ name: (error as Error).name, waiting }),
      onWriteRecovered: () => recovered++,
    });
    await commit(tab.id!, 'https://a.example/');
    await capture.settled();
    const disk = fillTheDisk();
    now += 2_000;
    await commit(tab.id!, 'https://b.example/', 'link');
    await capture.settled();
    expect(failing).toEqual([{ name: 'QuotaExceededError', waiting: 2 }]);
    // Kept where a restarted worker finds them, with the state that follows from them.
    const session = await fakeBrowser.storage.session.get([CAPTURE_STATE.key, CAPTURE_BACKLOG.key]);
    expect((session[CAPTURE_BACKLOG.key] as { events: RecordedEvent[] }).events.map(describeEvent)).toEqual([
      'done https://a.example/ @0 2s',
      'view https://b.example/ @2',
    ]);
    expect(session[CAPTURE_STATE.key]).toMatchObject({ view: { url: 'https://b.example/' } });
    expect(await lines()).toEqual(['view https://a.example/ @0']);

    now += 3_000;
    await commit(tab.id!, 'https://c.example/', 'link');
    await capture.settled();
    expect(failing.map((f) => f.waiting)).toEqual([2, 4]);
    disk.free();
    now += 1_000;
    await commit(tab.id!, 'https://d.example/', 'link');
    await capture.settled();
    expect(await lines()).toEqual([
      'view https://a.example/ @0',
      'done https://a.example/ @0 2s',
      'view https://b.example/ @2',
      'done https://b.example/ @2 3s',
      'view https://c.example/ @5',
      'done https://c.example/ @5 1s',
      'view https://d.example/ @6',
    ]);
    expect(recovered).toBe(1);
    expect(await log.openView()).toMatchObject({ url: 'https://d.example/' });
    expect((await fakeBrowser.storage.session.get(CAPTURE_BACKLOG.key))[CAPTURE_BACKLOG.key]).toBeUndefined();
  });

  it('retries on its own, without waiting for the next signal', async () => {
    const tab = await openTab('https://a.example/');
    const capture = start();
    await commit(tab.id!, 'https://a.example/');
    await capture.settled();
    const disk = fillTheDisk();
    now += 2_000;
    await commit(tab.id!, 'https://b.example/', 'link');
    await capture.settled();
    disk.free();
    // The first retry comes a second after the failure.
    await eventually(async () => expect(await lines()).toHaveLength(3), () => capture.settled());
    expect((await lines()).slice(1)).toEqual(['done https://a.example/ @0 2s', 'view https://b.example/ @2']);
  });

  it('hands what it kept to the next worker, which writes it first and goes on from there', async () => {
    const tab = await openTab('https://a.example/');
    start();
    await commit(tab.id!, 'https://a.example/');
    const disk = fillTheDisk();
    now += 2_000;
    await commit(tab.id!, 'https://b.example/', 'link');
    await stopWorker({ keepSession: true });
    disk.free();
    const restarted = await openTab('https://b.example/');
    now += 4_000;
    const capture = start();
    await commit(restarted.id!, 'https://c.example/', 'link');
    await capture.settled();
    expect(await lines()).toEqual([
      'view https://a.example/ @0',
      'done https://a.example/ @0 2s',
      'view https://b.example/ @2',
      'done https://b.example/ @2 4s',
      'view https://c.example/ @6',
    ]);
    expect(errors).toEqual([]);
  });
  it('hands it to a next worker that cannot even read the log (a full disk refuses opening it): nothing of that worker is lost', async () => {
    const tab = await openTab('https://a.example/');
    start();
    await commit(tab.id!, 'https://a.example/');
    const disk = fillTheDisk();
    now += 2_000;
    await commit(tab.id!, 'https://b.example/', 'link');
    await stopWorker({ keepSession: true });
    const restarted = await openTab('https://b.example/');
    now += 4_000;
    const capture = start({}, { readOpenView: () => Promise.reject(new DOMException('Internal error opening backing store', 'UnknownError')) });
    await commit(restarted.id!, 'https://c.example/', 'link');
    await capture.settled();
    disk.free();
    now += 1_000;
    await commit(restarted.id!, 'https://d.example/', 'link');
    await capture.settled();
    expect(await lines()).toEqual([
      'view https://a.example/ @0',
      'done https://a.example/ @0 2s',
      'view https://b.example/ @2',
      'done https://b.example/ @2 4s',
      'view https://c.example/ @6',
      'done https://c.example/ @6 1s',
      'view https://d.example/ @7',
    ]);
  });
});

describe('a worker stopped before its first state save (docs/design.md §3)', () => {
  it('is followed by one that goes on with the same view, not a second one', async () => {
    const tab = await openTab('https://a.example/');
    await start().settled();
    now += 1_000;
    await commit(tab.id!, 'https://b.example/', 'link');
    await Promise.all(running.map((capture) => capture.settled()));
    // Stopped with the events durable and no state saved yet (the save comes ~100 ms later).
    await fakeBrowser.storage.session.remove(CAPTURE_STATE.key);
    expect((await fakeBrowser.storage.session.get(CAPTURE_SESSION.key))[CAPTURE_SESSION.key]).toBe(T0);
    await stopWorker({ keepSession: true });
    await fakeBrowser.storage.session.remove(CAPTURE_STATE.key);
    await openTab('https://b.example/');
    now += 5_000;
    const capture = start();
    now += 5_000;
    fakeBrowser.windows.onFocusChanged.trigger(fakeBrowser.windows.WINDOW_ID_NONE);
    await capture.settled();
    expect(await lines()).toEqual([
      'view https://a.example/ @0',
      'done https://a.example/ @0 1s',
      'view https://b.example/ @1',
      'done https://b.example/ @1 10s',
    ]);
  });

  it('still completes a view the last browser session left open, when the first worker of this one stopped early', async () => {
    const tab = await openTab('https://a.example/');
    start();
    await commit(tab.id!, 'https://a.example/');
    await stopWorker({ keepSession: false }); // a browser restart: storage.session is gone
    now += 60_000;
    // The first worker of the new session wrote its start and was stopped at once.
    await fakeBrowser.storage.session.set({ [CAPTURE_SESSION.key]: now });
    await openTab('https://a.example/');
    now += 1_000;
    const capture = start();
    await capture.settled();
    expect(await lines()).toEqual(['view https://a.example/ @0', 'done https://a.example/ @0 0s', 'view https://a.example/ @61']);
  });
});
