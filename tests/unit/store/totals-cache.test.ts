process.env.TZ = 'Europe/Berlin';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readSiteDays } from '../../../src/insights/aggregate-reads';
import type { RecordedEvent } from '../../../src/model/activity-event';
import { uuidv7 } from '../../../src/model/event-id';
import { connectEventLog, openEventLog, type EventLog } from '../../../src/store/event-log';
import { openExistingLog } from '../../../src/store/open-existing-log';
import { createTotalsCache } from '../../../src/store/totals-cache';
import { contributionOf } from '../../../src/store/daily-aggregates';
import type { LogDB } from '../../../src/store/log-schema';
import type { IDBPDatabase } from 'idb';
import { fakeLocks } from './fake-locks';

// The totals kept in memory (docs/design.md §4): the log holding the lock writes the totals
// it knows without reading them, and is never wrong when something else changed them.

const NOON = new Date(2026, 10, 27, 12).getTime();
const DAY = '2026-11-27';

let factory: IDBFactory;
let owner: EventLog;
let seq = 0;

beforeEach(async () => {
  factory = new IDBFactory();
  owner = await openEventLog(factory, { clock: () => NOON, locks: fakeLocks() });
});
afterEach(() => vi.restoreAllMocks());

const completion = (url: string, seconds: number): RecordedEvent => ({
  id: uuidv7(NOON + ++seq * 1000),
  action: 'VIEW',
  timestamp: new Date(NOON).toISOString(),
  url,
  params: { title: 'A page', duration: seconds },
});

async function sites(): Promise<{ host: string; seconds: number; views: number }[]> {
  const database = (await openExistingLog(factory))!;
  const rows = await readSiteDays(database, DAY, DAY);
  database.close();
  return rows.map(({ host, seconds, views }) => ({ host, seconds, views }));
}

/** The stores read with `get` during `action`. */
async function storesRead(action: () => Promise<unknown>): Promise<string[]> {
  const get = vi.spyOn(IDBObjectStore.prototype, 'get');
  await action();
  const names = get.mock.contexts.map((store) => (store as IDBObjectStore).name);
  get.mockRestore();
  return names;
}

describe('the totals kept in memory', () => {
  it('are written without reading them once known, in the append transaction', async () => {
    expect(await storesRead(() => owner.append([completion('https://a.example/1', 10)]))).toContain('siteDays');
    const read = await storesRead(() => owner.append([completion('https://a.example/1', 5)]));
    expect(read).not.toContain('siteDays');
    expect(read).not.toContain('pageDays');
    expect(await sites()).toEqual([{ host: 'a.example', seconds: 15, views: 2 }]);
  });

  it('are read again after a deletion in another log (a page), and the totals stay right', async () => {
    const page = connectEventLog(factory);
    const first = completion('https://a.example/1', 10);
    await owner.append([first]);
    await owner.append([completion('https://a.example/1', 5)]);
    await page.deleteEvent(first.id);
    expect(await sites()).toEqual([{ host: 'a.example', seconds: 5, views: 1 }]);
    await owner.append([completion('https://a.example/1', 2)]);
    expect(await sites()).toEqual([{ host: 'a.example', seconds: 7, views: 1 + 1 }]);

    await page.deleteSite('a.example');
    await owner.append([completion('https://a.example/1', 3)]);
    expect(await sites()).toEqual([{ host: 'a.example', seconds: 3, views: 1 }]);

    await page.deleteAll();
    await owner.append([completion('https://a.example/1', 4)]);
    expect(await sites()).toEqual([{ host: 'a.example', seconds: 4, views: 1 }]);
  });

  it('are read again after another log appended, retention, or a failed append', async () => {
    const other = connectEventLog(factory, { clock: () => NOON });
    await owner.append([completion('https://a.example/1', 10)]);
    await other.append([completion('https://a.example/1', 1)]);
    await owner.append([completion('https://a.example/1', 2)]);
    expect(await sites()).toEqual([{ host: 'a.example', seconds: 13, views: 3 }]);

    // Retention that removes the day: its totals start again from nothing.
    await owner.prune({ keepSentDays: 30, maxRecords: 100_000, keepSummaryDays: 1 }, NOON + 2 * 86_400_000);
    expect(await sites()).toEqual([]);
    await owner.append([completion('https://a.example/1', 1)]);
    expect(await sites()).toEqual([{ host: 'a.example', seconds: 1, views: 1 }]);

    // A batch repeating a known id aborts the blind write; written again, the id counts once.
    const repeated = completion('https://a.example/1', 100);
    await owner.append([repeated]);
    await owner.append([repeated, completion('https://a.example/1', 4)]);
    await owner.append([completion('https://a.example/1', 1)]);
    expect(await sites()).toEqual([{ host: 'a.example', seconds: 106, views: 4 }]);
  });

  it('belong to one log at a time: a second log with the lock taken reads them every time', async () => {
    const locks = fakeLocks();
    const first = connectEventLog(factory, { clock: () => NOON, locks });
    const second = connectEventLog(factory, { clock: () => NOON, locks });
    for (let i = 0; i < 3; i++) {
      await first.append([completion('https://b.example/', 1)]);
      expect(await storesRead(() => second.append([completion('https://b.example/', 10)]))).toContain('siteDays');
    }
    expect((await sites()).find((site) => site.host === 'b.example')).toEqual({ host: 'b.example', seconds: 33, views: 6 });
  });

  it('lose no update when many appends race (only one write of the totals in flight goes blind)', async () => {
    await owner.append([completion('https://a.example/1', 1)]);
    await Promise.all(Array.from({ length: 30 }, () => owner.append([completion('https://a.example/1', 2)])));
    expect(await sites()).toEqual([{ host: 'a.example', seconds: 61, views: 31 }]);
  });

  it('are copied in and out: a caller that changes the records it was given or handed changes nothing kept', async () => {
    const cache = createTotalsCache(fakeLocks());
    await Promise.resolve(); // the lock is granted
    const db = {} as IDBPDatabase<LogDB>;
    const view = completion('https://a.example/1', 10);
    const contributions = [contributionOf(view, 'a.example')!];
    const site = { day: DAY, host: 'a.example', seconds: 10, views: 1, searches: 0 };
    const page = { day: DAY, url: view.url, host: 'a.example', title: 'A page', seconds: 10, views: 1 };
    const written = { sites: new Map([[`${DAY}\na.example`, site]]), pages: new Map([[`${DAY}\n${view.url}`, page]]) };
    cache.begin();
    cache.settle(db, written, { fresh: false });
    site.seconds = 999;
    page.views = 999;
    const known = cache.known(db, contributions)!;
    expect([...known.sites.values()]).toEqual([{ ...site, seconds: 10 }]);
    expect([...known.pages.values()]).toEqual([{ ...page, views: 1 }]);
    // An append that adds to what it was handed, then aborts (its write never settles).
    known.sites.get(`${DAY}\na.example`)!.seconds += 5;
    known.pages.get(`${DAY}\n${view.url}`)!.seconds += 5;
    expect([...cache.known(db, contributions)!.sites.values()][0]!.seconds).toBe(10);
    expect([...cache.known(db, contributions)!.pages.values()][0]!.seconds).toBe(10);
  });
});
