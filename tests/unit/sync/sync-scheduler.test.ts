import { IDBFactory } from 'fake-indexeddb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startCollector } from '../../../collector/start';
import { uuidv7 } from '../../../src/model/event-id';
import { runAlarms } from '../../../src/platform/alarm-table';
import { openEventLog } from '../../../src/store/event-log';
import { createSync } from '../../../src/sync/sync-engine';
import { syncStorage } from '../../../src/sync/sync-storage';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createSettingsReader } from '../../../src/settings/settings-reader';
import type { Sync, SyncReport } from '../../../src/sync/sync-engine';
import {
  appendThenSchedule,
  FIRST_EVENT_DELAY_MS,
  SYNC_PERIODIC_ALARM,
  SYNC_RETRY_ALARM,
  SYNC_SOON_ALARM,
  startSyncScheduler,
  type SchedulerBrowser,
} from '../../../src/sync/sync-scheduler';
import { LOG_HEALTH, PAUSE, SYNC_STATUS } from '../../../src/settings/stored-items';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

let runs: { force: boolean }[];
let pending: number;
let nextReport: Partial<SyncReport>;

const fakeSync: Sync = {
  async run({ force = false } = {}) {
    runs.push({ force });
    return { outcome: 'done', sent: 0, rejected: 0, requests: 0, status: SYNC_STATUS.parse({}), ...nextReport };
  },
};

const reader = () =>
  createSettingsReader({
    local: fakeBrowser.storage.local,
    managed: fakeBrowser.storage.managed,
    events: fakeBrowser.storage,
  });

function start() {
  const scheduler = startSyncScheduler({
    browser: fakeBrowser as unknown as SchedulerBrowser,
    sync: fakeSync,
    settings: reader(),
    log: { countState: async () => pending },
    clock: () => NOW,
    afterRecordingDelayMs: 0,
  });
  // What the background does with sync's alarm jobs (entrypoints/background.ts).
  runAlarms(fakeBrowser.alarms.onAlarm, scheduler.alarms);
  return scheduler;
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 20));

beforeEach(async () => {
  fakeBrowser.reset();
  // Most tests are of a worker in a running browser session, not its first.
  await fakeBrowser.storage.session.set({ syncSessionStarted: true });
  await fakeBrowser.storage.local.set({ settings: { endpointUrl: 'https://glean.example.com/rest/api/v1/activity' } });
  runs = [];
  pending = 0;
  nextReport = {};
});
afterEach(() => fakeBrowser.reset());

describe('sync scheduler', () => {
  it('waits 30 s after the first pending event, so what follows goes in the same request', async () => {
    const scheduler = start();
    pending = 1;
    await scheduler.eventsRecorded();
    pending = 2;
    await scheduler.eventsRecorded();
    expect(await fakeBrowser.alarms.get(SYNC_SOON_ALARM)).toMatchObject({ scheduledTime: NOW + FIRST_EVENT_DELAY_MS });
    expect(runs).toEqual([]);
    await fakeBrowser.alarms.onAlarm.trigger({ name: SYNC_SOON_ALARM, scheduledTime: NOW } as never);
    await settled();
    expect(runs).toEqual([{ force: false }]);
  });

  it('syncs what an earlier session left pending when a browser session starts, once', async () => {
    await fakeBrowser.storage.session.clear();
    start();
    await settled();
    expect(runs).toEqual([{ force: false }]);
    start(); // the worker restarts within the same session
    await settled();
    expect(runs).toEqual([{ force: false }]);
  });

  it('schedules nothing when there is nowhere to sync to', async () => {
    await fakeBrowser.storage.local.set({ settings: { endpointUrl: '' } });
    const scheduler = start();
    pending = 500;
    await scheduler.eventsRecorded();
    expect(await fakeBrowser.alarms.get(SYNC_SOON_ALARM)).toBeFalsy();
    expect(runs).toEqual([]);
  });

  it('does the work after recording a moment later, once for a burst, plus once for what came during it', async () => {
    pending = 1;
    let counted = 0;
    let countStarted!: () => void;
    const counting = startSyncScheduler({
      browser: fakeBrowser as unknown as SchedulerBrowser,
      sync: fakeSync,
      settings: reader(),
      log: {
        countState: async () => {
          counted++;
          countStarted?.();
          return pending;
        },
      },
      clock: () => NOW,
      afterRecordingDelayMs: 50,
    });
    const burst = [counting.eventsRecorded()];
    await new Promise((resolve) => setTimeout(resolve, 20));
    burst.push(counting.eventsRecorded(), counting.eventsRecorded());
    // Nothing during the wait: the reads would compete with the next page's recording.
    expect(counted).toBe(0);
    // One more recording while the round runs gets a round of its own.
    await new Promise<void>((resolve) => (countStarted = resolve));
    burst.push(counting.eventsRecorded());
    await Promise.all(burst);
    // One count per round, shared by the schedule and the badge.
    expect(counted).toBe(2);
  });

  it('syncs at once when a full batch is waiting', async () => {
    const scheduler = start();
    pending = 100;
    await scheduler.eventsRecorded();
    expect(runs).toEqual([{ force: false }]);
  });

  it('keeps a periodic alarm at the interval from settings', async () => {
    await fakeBrowser.storage.local.set({ settings: { syncIntervalMinutes: 15 } });
    start();
    await settled();
    expect(await fakeBrowser.alarms.get(SYNC_PERIODIC_ALARM)).toMatchObject({ periodInMinutes: 15 });
  });

  it('sets an alarm for the end of a backoff', async () => {
    nextReport = { outcome: 'failed', status: SYNC_STATUS.parse({ state: 'backoff', failures: 1, nextAttemptAt: NOW + 12_000 }) };
    await start().syncNow();
    expect(await fakeBrowser.alarms.get(SYNC_RETRY_ALARM)).toMatchObject({ scheduledTime: NOW + 12_000 });
  });

  it('ends an auth error when the settings or the token change, and tries again', async () => {
    await fakeBrowser.storage.local.set({ [SYNC_STATUS.key]: SYNC_STATUS.parse({ state: 'auth-error', lastError: 'HTTP 401' }) });
    start();
    await fakeBrowser.storage.local.set({ apiToken: 'new-token' });
    await settled();
    const { [SYNC_STATUS.key]: status } = await fakeBrowser.storage.local.get(SYNC_STATUS.key);
    expect(status).toMatchObject({ state: 'idle', failures: 0, nextAttemptAt: null });
    expect(runs).toEqual([{ force: false }]);
  });

  it('ends an auth error when the administrator\'s policy changes, and tries again', async () => {
    await fakeBrowser.storage.local.set({ [SYNC_STATUS.key]: SYNC_STATUS.parse({ state: 'auth-error', lastError: 'HTTP 401' }) });
    start();
    await fakeBrowser.storage.onChanged.trigger({ apiToken: { newValue: 'rotated' } }, 'managed');
    await settled();
    const { [SYNC_STATUS.key]: status } = await fakeBrowser.storage.local.get(SYNC_STATUS.key);
    expect(status).toMatchObject({ state: 'idle', failures: 0, nextAttemptAt: null });
    expect(runs).toEqual([{ force: false }]);
  });

  it('leaves sync running when the token is fixed while a sync with the old one is refused (401)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scheduler-test-'));
    const collector = await startCollector({ port: 0, dbFile: join(dir, 'events.sqlite'), token: 'right-token' });
    try {
      const log = await openEventLog(new IDBFactory());
      await log.append(
        Array.from({ length: 3 }, (_, i) => ({ id: uuidv7(), action: 'VIEW' as const, timestamp: new Date(NOW + i).toISOString(), url: `https://example.com/${i}` })),
      );
      await fakeBrowser.storage.local.set({ settings: { endpointUrl: collector.activityUrl }, apiToken: 'wrong-token' });
      const settings = reader();
      let fixed = false;
      // The user saves the right token while the request with the wrong one is on its way.
      const fixingFetch: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        if (!fixed) {
          fixed = true;
          await fakeBrowser.storage.local.set({ apiToken: 'right-token' });
        }
        return response;
      };
      const engine = createSync({ log, fetch: fixingFetch, ...syncStorage(fakeBrowser.storage.local, settings) });
      const scheduler = startSyncScheduler({ browser: fakeBrowser as unknown as SchedulerBrowser, sync: engine, settings, log, clock: () => NOW });
      expect((await scheduler.syncNow()).outcome).toBe('superseded');
      // The run the settings change asked for sends with the new token.
      const savedStatus = async () => SYNC_STATUS.parse((await fakeBrowser.storage.local.get(SYNC_STATUS.key))[SYNC_STATUS.key]);
      for (let i = 0; i < 200 && (await savedStatus()).lastSuccessAt === null; i++) await settled();
      expect(collector.store.count()).toBe(3);
      expect(await savedStatus()).toMatchObject({ state: 'idle', lastError: null, lastSuccessAt: expect.any(Number) });
    } finally {
      await collector.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the badge', () => {
  it("follows the log's health and a pause from storage, wherever they are written", async () => {
    const texts: string[] = [];
    startSyncScheduler({
      browser: {
        ...(fakeBrowser as unknown as SchedulerBrowser),
        action: { setBadgeText: async ({ text }) => void texts.push(String(text)), setBadgeBackgroundColor: async () => undefined },
      },
      sync: fakeSync,
      settings: reader(),
      log: { countState: async () => pending },
      clock: () => NOW,
    });
    await settled();
    texts.length = 0;
    await LOG_HEALTH.set(fakeBrowser.storage, { ...LOG_HEALTH.fallback, failing: true, reason: 'diskFull' });
    await vi.waitFor(() => expect(texts).toEqual(['!']));
    await LOG_HEALTH.set(fakeBrowser.storage, LOG_HEALTH.fallback);
    await vi.waitFor(() => expect(texts).toEqual(['!', '']));
    await PAUSE.set(fakeBrowser.storage, { until: null });
    await vi.waitFor(() => expect(texts).toHaveLength(3));
  });
});

describe('appendThenSchedule', () => {
  it('appends, then schedules sync only when something was written, and reports a failed schedule apart', async () => {
    const written: number[] = [3, 0];
    const log = { append: vi.fn(async () => written.shift()!) };
    let scheduled = 0;
    const errors: unknown[] = [];
    const scheduler = {
      eventsRecorded: async () => {
        scheduled++;
        if (scheduled === 1) throw new Error('alarms unavailable');
      },
    };
    const append = appendThenSchedule(log, scheduler, (error) => errors.push(error));
    const events = [{ id: uuidv7(NOW), action: 'VIEW' as const, timestamp: new Date(NOW).toISOString(), url: 'https://a.example/' }];
    expect(await append(events, { openView: null })).toBe(3);
    expect(log.append).toHaveBeenCalledWith(events, { openView: null });
    // A batch of ids already in the log adds nothing pending: nothing to schedule.
    expect(await append(events)).toBe(0);
    await settled();
    expect(scheduled).toBe(1);
    expect(errors).toEqual([expect.objectContaining({ message: 'alarms unavailable' })]);
  });
});
