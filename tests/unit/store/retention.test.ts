import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { uuidv7 } from '../../../src/model/event-id';
import { connectEventLog, openEventLog } from '../../../src/store/event-log';
import { hourlyRetention, PRUNE_ALARM, runRetention } from '../../../src/store/retention';
import { DEFAULT_SETTINGS } from '../../../src/settings/settings';

const policy = async () => ({ keepSentDays: 30, maxRecords: 1 });

describe('runRetention', () => {
  it('applies the policy read at the run', async () => {
    const log = await openEventLog(new IDBFactory());
    const at = Date.now();
    await log.append([0, 1].map((i) => ({ id: uuidv7(at + i), action: 'VIEW' as const, timestamp: new Date(at).toISOString(), url: `https://example.com/${i}` })));
    const errors: unknown[] = [];
    expect(await runRetention({ log, policy, onError: (error) => errors.push(error) })).toEqual({ removed: 0, dropped: 1 });
    expect(errors).toEqual([]);
  });

  it('reports a prune that fails instead of rejecting, and runs again next time', async () => {
    const failing = new IDBFactory();
    failing.open = () => {
      throw new DOMException('disk I/O error', 'UnknownError');
    };
    const errors: unknown[] = [];
    const run = runRetention({ log: connectEventLog(failing), policy, onError: (error) => errors.push(error) });
    await expect(run).resolves.toBeNull();
    expect(errors).toEqual([expect.objectContaining({ name: 'UnknownError' })]);
  });

  it('reports a policy that cannot be read', async () => {
    const errors: unknown[] = [];
    const log = { prune: async () => ({ removed: 0, dropped: 0 }) };
    const unreadable = async () => Promise.reject(new Error('storage.local is gone'));
    await expect(runRetention({ log, policy: unreadable, onError: (error) => errors.push(error) })).resolves.toBeNull();
    expect(errors).toEqual([new Error('storage.local is gone')]);
  });
});

describe('hourlyRetention', () => {
  beforeEach(() => fakeBrowser.reset());
  const settings = { settings: async () => ({ ...DEFAULT_SETTINGS, keepSentDays: 9, maxRecords: 2000, keepSummaryDays: 40 }) };

  it('creates the hourly alarm once, and its job prunes with the limits in force at the run', async () => {
    const prune = vi.fn(async () => ({ removed: 0, dropped: 0 }));
    const jobs = hourlyRetention({ log: { prune }, settings, alarms: fakeBrowser.alarms, onError: () => undefined });
    await vi.waitFor(async () => expect(await fakeBrowser.alarms.get(PRUNE_ALARM)).toMatchObject({ periodInMinutes: 60 }));
    const first = (await fakeBrowser.alarms.get(PRUNE_ALARM))!.scheduledTime;
    // A later worker keeps the alarm as it is: its first run is not pushed away.
    hourlyRetention({ log: { prune }, settings, alarms: fakeBrowser.alarms, onError: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await fakeBrowser.alarms.get(PRUNE_ALARM))!.scheduledTime).toBe(first);
    expect(Object.keys(jobs)).toEqual([PRUNE_ALARM]);
    jobs[PRUNE_ALARM]!();
    await vi.waitFor(() => expect(prune).toHaveBeenCalledWith(expect.objectContaining({ keepSentDays: 9, maxRecords: 2000, keepSummaryDays: 40 })));
  });
});
