import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import background, { type BackgroundStatus } from '../../entrypoints/background';
import { openEventLog } from '../../src/store/event-log';

const status = () => (globalThis as { activityLogger?: BackgroundStatus }).activityLogger;

beforeEach(() => {
  fakeBrowser.reset();
  // fakeBrowser's idle API throws "not implemented": an always-active user instead.
  Object.assign(fakeBrowser.idle, {
    onStateChanged: { addListener() {}, removeListener() {} },
    setDetectionInterval() {},
    queryState: async () => 'active',
  });
  (globalThis as { activityLogger?: BackgroundStatus }).activityLogger = undefined;
  indexedDB = new (indexedDB.constructor as { new (): IDBFactory })();
});

afterEach(() => status()?.capture?.stop());

describe('background wiring', () => {
  it('signals readiness once its listeners are registered', () => {
    background.main();
    expect(status()?.ready).toBe(true);
    expect(fakeBrowser.webNavigation.onCommitted.hasListeners()).toBe(true);
    expect(fakeBrowser.tabs.onActivated.hasListeners()).toBe(true);
  });

  it('records what capture sees into the durable log', async () => {
    const window = await fakeBrowser.windows.create({ focused: true });
    const tab = await fakeBrowser.tabs.create({ windowId: window!.id, url: 'about:blank', active: true });
    background.main();
    await fakeBrowser.webNavigation.onCommitted.trigger({
      tabId: tab.id!,
      frameId: 0,
      parentFrameId: -1,
      processId: 1,
      url: 'https://example.com/one',
      timeStamp: Date.now(),
      transitionType: 'typed',
      transitionQualifiers: [],
    } as never);
    await status()!.capture!.settled();
    const log = await openEventLog(indexedDB);
    const entries = await log.recent(10);
    expect(entries.map((e) => [e.event.action, e.event.url, e.event.params])).toEqual([
      ['VIEW', 'https://example.com/one', { truncated: true }],
    ]);
    expect(status()?.lastError).toBeUndefined();
    log.close();
  });

  it('keeps the hourly retention alarm a restarted worker finds, instead of pushing it back', async () => {
    const scheduledTime = Date.now() + 12 * 60_000;
    await fakeBrowser.alarms.create('prune-log', { when: scheduledTime, periodInMinutes: 60 });
    background.main();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await fakeBrowser.alarms.get('prune-log')).toMatchObject({ scheduledTime, periodInMinutes: 60 });
  });

  it('answers "Sync now" from the popup with a forced run, and refuses unknown messages', async () => {
    background.main();
    const syncNow = vi.spyOn(status()!.sync!, 'syncNow');
    const answers: unknown[] = [];
    await fakeBrowser.runtime.onMessage.trigger({ type: 'syncNow' }, {}, (answer: unknown) => answers.push(answer));
    await fakeBrowser.runtime.onMessage.trigger({ type: 'formatDisk' }, {}, (answer: unknown) => answers.push(answer));
    await vi.waitFor(() => expect(answers).toHaveLength(2));
    expect(syncNow.mock.calls).toEqual([[{ force: true }]]);
    expect(answers).toContainEqual({ ok: true, value: expect.objectContaining({ outcome: 'disabled' }) });
    expect(answers).toContainEqual({ ok: false, error: expect.stringContaining('not a request') });
  });

  it('creates the retention alarm when there is none', async () => {
    background.main();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await fakeBrowser.alarms.get('prune-log')).toMatchObject({ periodInMinutes: 60 });
  });

  it('reports a retention run that fails, with no unhandled rejection', async () => {
    const unopenable = indexedDB;
    unopenable.open = () => {
      throw new DOMException('disk I/O error', 'UnknownError');
    };
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    background.main();
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'prune-log', scheduledTime: Date.now() } as never);
    await vi.waitFor(() =>
      expect(logged.mock.calls.map((call) => String(call[1]))).toContain('retention: disk I/O error'),
    );
    logged.mockRestore();
  });
});
