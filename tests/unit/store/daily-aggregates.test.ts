// Local days are the machine's: this file runs in Berlin (DST on 2026-03-29 and 2026-10-25).
process.env.TZ = 'Europe/Berlin';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { aggregatesStillToBuild, folded, readPageDays, readSiteDays } from '../../../src/insights/aggregate-reads';
import type { SearchMade, ViewSpan } from '../../../src/store/aggregate-records';
import type { RecordedEvent } from '../../../src/model/activity-event';
import { uuidv7 } from '../../../src/model/event-id';
import { buildAggregates } from '../../../src/store/aggregate-backfill';
import { openEventLog, type EventLog } from '../../../src/store/event-log';
import { FOLD_STORES, foldStep } from '../../../src/store/aggregate-fold';
import { FOLDED_THROUGH, MIGRATIONS } from '../../../src/store/log-schema';
import { openExistingLog, resultOf } from '../../../src/store/open-existing-log';

const DAY = 86_400_000;
const local = (y: number, m: number, d: number, h = 0, min = 0, s = 0) => new Date(y, m - 1, d, h, min, s).getTime();
const NOON = local(2026, 11, 27, 12);

/** The completed views of one day (their parts within it), in the order they began, once folded. */
async function readViewSpans(db: IDBDatabase, day: string): Promise<ViewSpan[]> {
  await folded(db);
  const spans = (await resultOf(db.transaction('viewSpans').objectStore('viewSpans').getAll(IDBKeyRange.bound([day], [day, []])))) as ViewSpan[];
  return spans.sort((a, b) => a.start - b.start);
}

/** The searches of the days, newest first, once folded. */
async function readSearches(db: IDBDatabase, first: string, last: string): Promise<SearchMade[]> {
  await folded(db);
  const searches = (await resultOf(db.transaction('searches').objectStore('searches').getAll(IDBKeyRange.bound([first], [last, []])))) as SearchMade[];
  return searches.sort((a, b) => b.at - a.at);
}

let factory: IDBFactory;
let now: number;
let log: EventLog;

beforeEach(() => {
  factory = new IDBFactory();
  now = NOON;
});

/** A view's two records (docs/design.md §2): its start, and its completion with the duration. */
function viewPair(url: string, start: number, seconds: number, title = `Title of ${url}`): [RecordedEvent, RecordedEvent] {
  const timestamp = new Date(start).toISOString();
  return [
    { id: uuidv7(start), action: 'VIEW', timestamp, url, params: { title, truncated: true } },
    { id: uuidv7(start + seconds * 1000), action: 'VIEW', timestamp, url, params: { title, duration: seconds } },
  ];
}
const completion = (url: string, start: number, seconds: number) => viewPair(url, start, seconds)[1];
const search = (query: string, at: number): RecordedEvent => ({
  id: uuidv7(at),
  action: 'SEARCH',
  timestamp: new Date(at).toISOString(),
  url: `https://search.example/?q=${encodeURIComponent(query)}`,
  params: { query, title: query },
});

async function db(): Promise<IDBDatabase> {
  return (await openExistingLog(factory))!;
}
async function sites(first: string, last = first) {
  const database = await db();
  const rows = await readSiteDays(database, first, last);
  database.close();
  return rows.map(({ day, host, seconds, views, searches }) => ({ day, host, seconds, views, searches }));
}
/** The site days as stored, without the fold a reader does first. */
async function storedSites(): Promise<{ host: string; seconds: number; views: number }[]> {
  const database = await db();
  const rows = await new Promise<{ host: string; seconds: number; views: number }[]>((resolve) => {
    const request = database.transaction('siteDays').objectStore('siteDays').getAll();
    request.onsuccess = () => resolve(request.result);
  });
  database.close();
  return rows.map(({ host, seconds, views }) => ({ host, seconds, views }));
}
async function foldedThrough(): Promise<unknown> {
  const database = await db();
  const mark = await new Promise((resolve) => {
    const request = database.transaction('counters').objectStore('counters').get(FOLDED_THROUGH);
    request.onsuccess = () => resolve(request.result);
  });
  database.close();
  return mark;
}
async function pages(first: string, last = first, host?: string) {
  const database = await db();
  const rows = await readPageDays(database, first, last, host);
  database.close();
  return rows.map(({ day, url, title, seconds, views }) => ({ day, url, title, seconds, views }));
}

// The readers fold what was appended before they read (aggregate-reads.ts): every figure read
// here is the folded totals plus the events appended since, whether the background folded or not.
describe('the daily aggregates', () => {
  beforeEach(async () => {
    log = await openEventLog(factory, { clock: () => now });
  });

  describe('appending updates the daily totals', () => {
    it('adds a completed view to its site and page, and nothing for its start or imported history', async () => {
      const [start, done] = viewPair('https://a.example/1', local(2026, 11, 27, 9), 300);
      await log.append([start]);
      expect(await sites('2026-11-27')).toEqual([]);
      await log.append([done, { ...start, id: uuidv7(NOON), action: 'HISTORICAL_VIEW', params: { title: 'old' } }]);
      await log.append([completion('https://a.example/2', local(2026, 11, 27, 10), 60)]);
      await log.append([completion('https://b.example/', local(2026, 11, 27, 11), 5)]);
      expect(await sites('2026-11-27')).toEqual([
        { day: '2026-11-27', host: 'a.example', seconds: 360, views: 2, searches: 0 },
        { day: '2026-11-27', host: 'b.example', seconds: 5, views: 1, searches: 0 },
      ]);
      expect(await pages('2026-11-27', '2026-11-27', 'a.example')).toEqual([
        { day: '2026-11-27', url: 'https://a.example/1', title: 'Title of https://a.example/1', seconds: 300, views: 1 },
        { day: '2026-11-27', url: 'https://a.example/2', title: 'Title of https://a.example/2', seconds: 60, views: 1 },
      ]);
    });

    it('counts searches with their terms', async () => {
      await log.append([search('indexeddb cursor', local(2026, 11, 27, 9)), search('intl duration', local(2026, 11, 27, 10))]);
      expect(await sites('2026-11-27')).toEqual([
        { day: '2026-11-27', host: 'search.example', seconds: 0, views: 0, searches: 2 },
      ]);
      const database = await db();
      expect((await readSearches(database, '2026-11-27', '2026-11-27')).map((s) => s.query)).toEqual([
        'intl duration',
        'indexeddb cursor',
      ]);
      database.close();
    });

    it('counts an id once, however often it is appended', async () => {
      const done = completion('https://a.example/', NOON, 10);
      await log.append([done, done]);
      await log.append([done, completion('https://a.example/', NOON + 60_000, 5)]);
      expect(await sites('2026-11-27')).toMatchObject([{ seconds: 15, views: 2 }]);
    });

    it('loses no update when many appends race', async () => {
      await Promise.all(Array.from({ length: 50 }, (_, i) => log.append([completion('https://a.example/', NOON + i * 1000, 2)])));
      expect(await sites('2026-11-27')).toMatchObject([{ seconds: 100, views: 50 }]);
    });

    it('splits a view over midnight between the two days, and keeps the view on the day it began', async () => {
      await log.append([completion('https://a.example/', local(2026, 11, 26, 23, 59, 30), 90)]);
      expect(await sites('2026-11-26', '2026-11-27')).toEqual([
        { day: '2026-11-26', host: 'a.example', seconds: 30, views: 1, searches: 0 },
        { day: '2026-11-27', host: 'a.example', seconds: 60, views: 0, searches: 0 },
      ]);
      const database = await db();
      expect((await readViewSpans(database, '2026-11-27')).map((s) => [s.start, s.seconds])).toEqual([[local(2026, 11, 27), 60]]);
      database.close();
    });

    it('puts a DST change day\'s views on the right local days (23 and 25 hours long)', async () => {
      // 23:30 on the day of 25 hours, 2 hours long: 30 minutes there, 90 on the 26th.
      await log.append([completion('https://a.example/', local(2026, 10, 25, 23, 30), 2 * 3600)]);
      // From 01:30 (before the clocks go forward) to 03:30: one hour of real time.
      await log.append([completion('https://b.example/', local(2026, 3, 29, 1, 30), 3600)]);
      expect(await sites('2026-10-25', '2026-10-26')).toMatchObject([
        { day: '2026-10-25', host: 'a.example', seconds: 1800, views: 1 },
        { day: '2026-10-26', host: 'a.example', seconds: 5400, views: 0 },
      ]);
      expect(await sites('2026-03-29')).toMatchObject([{ host: 'b.example', seconds: 3600 }]);
      // A view from 23:00 on 2026-03-28 of 2 hours ends at 02:00 real time = 01:00 + 1h → 03:00 local.
      await log.append([completion('https://c.example/', local(2026, 3, 28, 23), 2 * 3600)]);
      expect((await sites('2026-03-28', '2026-03-29')).filter((s) => s.host === 'c.example')).toMatchObject([
        { day: '2026-03-28', seconds: 3600 },
        { day: '2026-03-29', seconds: 3600 },
      ]);
    });
  });

  describe('deleting updates the totals in the same transaction', () => {
    it('takes back one deleted event, both of a view split over midnight', async () => {
      const [start, done] = viewPair('https://a.example/1', local(2026, 11, 26, 23, 59), 120);
      const other = completion('https://a.example/2', NOON, 30);
      await log.append([start, done, other]);
      expect(await log.deleteEvent(start.id)).toBe(true);
      expect(await sites('2026-11-26', '2026-11-27')).toMatchObject([{ seconds: 60 }, { seconds: 90 }]);
      expect(await log.deleteEvent(done.id)).toBe(true);
      expect(await sites('2026-11-26', '2026-11-27')).toEqual([
        { day: '2026-11-27', host: 'a.example', seconds: 30, views: 1, searches: 0 },
      ]);
      expect(await pages('2026-11-26', '2026-11-27')).toMatchObject([{ url: 'https://a.example/2' }]);
      const database = await db();
      expect(await readViewSpans(database, '2026-11-26')).toEqual([]);
      database.close();
    });

    it('removes a deleted site from every total, keeping the others', async () => {
      await log.append([
        completion('https://a.example/', NOON - DAY, 10),
        completion('https://a.example/', NOON, 10),
        completion('https://b.example/', NOON, 20),
        { ...search('a', NOON), url: 'https://a.example/?q=a' },
      ]);
      expect(await log.deleteSite('a.example')).toBe(3);
      expect(await sites('2026-11-01', '2026-11-30')).toEqual([
        { day: '2026-11-27', host: 'b.example', seconds: 20, views: 1, searches: 0 },
      ]);
      expect((await pages('2026-11-01', '2026-11-30')).map((p) => p.url)).toEqual(['https://b.example/']);
      const database = await db();
      expect(await readSearches(database, '2026-11-01', '2026-11-30')).toEqual([]);
      expect((await readViewSpans(database, '2026-11-26')).length).toBe(0);
      database.close();
    });

    it('empties every total with everything', async () => {
      await log.append([completion('https://a.example/', NOON, 10), search('x', NOON)]);
      await log.deleteAll();
      expect(await sites('2026-11-01', '2026-11-30')).toEqual([]);
      expect(await pages('2026-11-01', '2026-11-30')).toEqual([]);
    });
  });

  describe('retention', () => {
    it('prunes events but keeps their totals, until the summary\'s own retention', async () => {
      const old = completion('https://a.example/', NOON - 40 * DAY, 10);
      now = NOON - 40 * DAY;
      await log.append([old]);
      await log.markSent([old.id]);
      now = NOON;
      expect(await log.prune({ keepSentDays: 30, maxRecords: 1000, keepSummaryDays: 60 })).toEqual({ removed: 1, dropped: 0 });
      expect(await log.recent(10)).toEqual([]);
      // Never folded before: prune folded it first, in its own transaction, then removed it.
      expect(await storedSites()).toEqual([{ host: 'a.example', seconds: 10, views: 1 }]);
      expect(await sites('2026-10-01', '2026-11-30')).toMatchObject([{ day: '2026-10-18', seconds: 10 }]);
      // 41 days kept: 2026-10-18 is the first; with 40 it goes.
      await log.prune({ keepSentDays: 30, maxRecords: 1000, keepSummaryDays: 41 });
      expect(await sites('2026-10-01', '2026-11-30')).toHaveLength(1);
      await log.prune({ keepSentDays: 30, maxRecords: 1000, keepSummaryDays: 40 });
      expect(await sites('2026-10-01', '2026-11-30')).toEqual([]);
      expect(await pages('2026-10-01', '2026-11-30')).toEqual([]);
    });
  });

  describe('the upgrade of a version 2 log', () => {
    it('builds the totals of the events already there in chunks, while appends go on and count once', async () => {
      const v2 = new IDBFactory();
      const old = await openEventLog(v2, { migrations: MIGRATIONS.slice(0, 2), clock: () => NOON });
      const before = Array.from({ length: 23 }, (_, i) => viewPair(`https://a.example/${i % 4}`, NOON - i * 3_600_000, 10)).flat();
      await old.append([...before, search('old search', NOON - DAY)]);
      old.close();

      const upgraded = await openEventLog(v2, { clock: () => NOON });
      factory = v2;
      const database = await db();
      expect(await aggregatesStillToBuild(database)).toBe(47);
      expect(await readSiteDays(database, '2026-11-01', '2026-11-30')).toEqual([]);
      database.close();

      const steps: number[] = [];
      await buildAggregates(
        {
          buildAggregatesStep: async (limit) => {
            const left = await upgraded.buildAggregatesStep(limit);
            steps.push(left);
            // Capture goes on between chunks, and its views count once.
            if (steps.length === 1) await upgraded.append([completion('https://b.example/', NOON, 7)]);
            return left;
          },
        },
        { chunk: 10, pause: async () => undefined },
      );
      expect(steps).toEqual([37, 27, 17, 7, 0]);
      expect(await sites('2026-11-26', '2026-11-27')).toEqual([
        // Views from 12:00 back hour by hour: 13 of them on the 27th (12:00 … 00:00), 10 before.
        { day: '2026-11-26', host: 'a.example', seconds: 100, views: 10, searches: 0 },
        { day: '2026-11-26', host: 'search.example', seconds: 0, views: 0, searches: 1 },
        { day: '2026-11-27', host: 'a.example', seconds: 130, views: 13, searches: 0 },
        { day: '2026-11-27', host: 'b.example', seconds: 7, views: 1, searches: 0 },
      ]);
      const again = await db();
      expect(await aggregatesStillToBuild(again)).toBe(0);
      again.close();
      expect(await upgraded.buildAggregatesStep(10)).toBe(0);
    });

    it('has nothing to build for an empty log', async () => {
      expect(await log.buildAggregatesStep(10)).toBe(0);
    });
  });

  describe('the log is the aggregates\' journal (docs/design.md §4)', () => {
    it('writes only the events on append; a fold adds them to the totals once, and moves its mark', async () => {
      const [start, done] = viewPair('https://a.example/', NOON, 30);
      await log.append([start, done, search('q', NOON)]);
      expect(await storedSites()).toEqual([]);
      expect(await foldedThrough()).toBeUndefined();
      await log.fold();
      expect(await storedSites()).toEqual([
        { host: 'a.example', seconds: 30, views: 1 },
        { host: 'search.example', seconds: 0, views: 0 },
      ]);
      expect(await foldedThrough()).toBe(3);
      await log.fold();
      expect(await storedSites()).toMatchObject([{ seconds: 30, views: 1 }, {}]);
    });

    it('gives a reader the folded totals plus what was appended since', async () => {
      await log.append([completion('https://a.example/', NOON, 30)]);
      await log.fold();
      await log.append([completion('https://a.example/', NOON + 60_000, 5)]);
      expect(await storedSites()).toEqual([{ host: 'a.example', seconds: 30, views: 1 }]);
      expect(await sites('2026-11-27')).toMatchObject([{ seconds: 35, views: 2 }]);
      expect(await pages('2026-11-27')).toMatchObject([{ seconds: 35, views: 2 }]);
    });

    it('folds in chunks of 500, each in its own transaction', async () => {
      const many = Array.from({ length: 1203 }, (_, i) => completion(`https://a.example/${i % 3}`, NOON - i * 1000, 1));
      await log.append(many);
      await log.fold();
      expect(await storedSites()).toEqual([{ host: 'a.example', seconds: 1203, views: 1203 }]);
      expect(await foldedThrough()).toBe(1203);
    });

    it('deletes an event not folded yet without touching the totals, and takes a folded one back out', async () => {
      const folded = completion('https://a.example/1', NOON, 30);
      const unfolded = completion('https://a.example/2', NOON + 60_000, 5);
      await log.append([folded]);
      await log.fold();
      await log.append([unfolded]);
      expect(await log.deleteEvent(unfolded.id)).toBe(true);
      expect(await storedSites()).toEqual([{ host: 'a.example', seconds: 30, views: 1 }]);
      expect(await sites('2026-11-27')).toMatchObject([{ seconds: 30, views: 1 }]);
      expect(await log.deleteEvent(folded.id)).toBe(true);
      expect(await sites('2026-11-27')).toEqual([]);
      await log.fold();
      expect(await storedSites()).toEqual([]);
    });

    it('loses nothing and counts nothing twice across a crash, before a fold or during one', async () => {
      await log.append([completion('https://a.example/', NOON, 30)]);
      log.close(); // the worker stopped before its fold
      log = await openEventLog(factory, { clock: () => now });
      await log.append([completion('https://a.example/', NOON + 60_000, 5)]);
      // A fold that fails half way (here its last write) commits nothing: not the mark, no total.
      const put = IDBObjectStore.prototype.put;
      const failing = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
        if (this.name === 'pageDays') throw new DOMException('disk full', 'QuotaExceededError');
        return put.apply(this, args);
      });
      try {
        await expect(log.fold()).rejects.toThrow('disk full');
      } finally {
        failing.mockRestore();
      }
      expect(await storedSites()).toEqual([]);
      expect(await foldedThrough()).toBeUndefined();
      await Promise.all([log.fold(), log.fold()]);
      expect(await storedSites()).toEqual([{ host: 'a.example', seconds: 35, views: 2 }]);
    });

    it('folds by itself once appends pause, when asked to (the background)', async () => {
      log.close();
      log = await openEventLog(factory, { clock: () => now, fold: { quietMs: 20, atMostMs: 1000, onError: () => undefined } });
      await log.append([completion('https://a.example/', NOON, 30)]);
      expect(await storedSites()).toEqual([]);
      await vi.waitFor(async () => expect(await storedSites()).toEqual([{ host: 'a.example', seconds: 30, views: 1 }]));
    });
  });

  describe('the upgrade of a version 4 log', () => {
    it('marks what its appends already counted as folded, and drops the note of the totals kept in memory', async () => {
      const v4 = new IDBFactory();
      const old = await openEventLog(v4, { migrations: MIGRATIONS.slice(0, 4), clock: () => NOON });
      await old.append([completion('https://a.example/', NOON, 30), completion('https://a.example/', NOON + 1000, 5)]);
      // Version 4's appends counted themselves; a version 4 log has no mark to fold from.
      await old.fold();
      old.close();
      factory = v4;
      expect(await storedSites()).toEqual([]);
      expect(await sites('2026-11-27')).toEqual([]);
      // As version 4 left it: the totals counted at the append, no mark, the note there.
      const raw = await db();
      const tx = raw.transaction([...FOLD_STORES], 'readwrite');
      await foldStep(tx);
      tx.objectStore('counters').delete(FOLDED_THROUGH);
      tx.objectStore('counters').put(1, 'aggregatesChangedElsewhere');
      await new Promise((resolve) => (tx.oncomplete = resolve));
      raw.close();

      log = await openEventLog(v4, { clock: () => NOON });
      expect(await foldedThrough()).toBe(2);
      await log.append([completion('https://a.example/', NOON + 2000, 7)]);
      expect(await sites('2026-11-27')).toMatchObject([{ seconds: 42, views: 3 }]);
      const database = await db();
      const note = await new Promise((resolve) => {
        const request = database.transaction('counters').objectStore('counters').get('aggregatesChangedElsewhere');
        request.onsuccess = () => resolve(request.result);
      });
      database.close();
      expect(note).toBeUndefined();
    });
  });
});
