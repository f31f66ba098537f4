import { IDBFactory } from 'fake-indexeddb';
import type Browser from 'webextension-polyfill';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  HEARTBEAT_ALARM,
  OPEN_VIEW_KEY,
  STATE_KEY,
  startCapture,
  type CaptureBrowser,
  type CaptureHandle,
} from '../../../src/capture/capture-adapter';
import type { IdleState } from '../../../src/capture/capture-signal';
import { uuidv7 } from '../../../src/model/event-id';
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

function start(): CaptureHandle {
  const capture = startCapture({
    browser: { ...(fakeBrowser as unknown as CaptureBrowser), idle },
    record: (events) => log.append(events),
    newId: uuidv7,
    clock: () => now,
    onError: (error) => errors.push(error),
  });
  running.push(capture);
  return capture;
}

/** The worker stops: its listeners and memory are gone, storage stays (or not, after a crash). */
async function stopWorker({ keepSession }: { keepSession: boolean }): Promise<void> {
  await Promise.all(running.map((capture) => capture.settled()));
  running.splice(0).forEach((capture) => capture.stop());
  const session = await fakeBrowser.storage.session.get();
  const local = await fakeBrowser.storage.local.get();
  fakeBrowser.reset();
  await focusTheWindow();
  if (keepSession) await fakeBrowser.storage.session.set(session);
  await fakeBrowser.storage.local.set(local);
}

async function lines(): Promise<string[]> {
  return (await log.recent(100)).reverse().map((entry) => describeEvent(entry.event));
}

async function openTab(url: string, active = true): Promise<Browser.Tabs.Tab> {
  return (await fakeBrowser.tabs.create({ url, active, windowId })) as unknown as Browser.Tabs.Tab;
}

let windowId: number;

/** fakeBrowser's window 0 has no focus and cannot be given it: open a focused window. */
async function focusTheWindow(): Promise<void> {
  windowId = (await fakeBrowser.windows.create({ focused: true }))!.id!;
}

const heartbeatAlarm = () => ({ name: HEARTBEAT_ALARM, scheduledTime: now }) as never;

function commit(tabId: number, url: string, transitionType = 'typed') {
  return fakeBrowser.webNavigation.onCommitted.trigger({
    tabId,
    frameId: 0,
    parentFrameId: -1,
    processId: 1,
    url,
    timeStamp: now,
    transitionType,
    transitionQualifiers: [],
  } as never);
}

afterEach(() => running.splice(0).forEach((capture) => capture.stop()));

beforeEach(async () => {
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

  it('keeps its state in storage.session and the open view in storage.local, with a heartbeat alarm', async () => {
    const tab = await openTab('https://a.example/');
    const capture = start();
    await commit(tab.id!, 'https://a.example/');
    await capture.settled();
    const { [STATE_KEY]: state } = await fakeBrowser.storage.session.get(STATE_KEY);
    expect(state).toMatchObject({ view: { url: 'https://a.example/' } });
    const { [OPEN_VIEW_KEY]: openView } = await fakeBrowser.storage.local.get(OPEN_VIEW_KEY);
    expect(openView).toMatchObject({ url: 'https://a.example/', startedAt: T0 });
    expect(await fakeBrowser.alarms.get(HEARTBEAT_ALARM)).toMatchObject({ periodInMinutes: 0.5 });
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
