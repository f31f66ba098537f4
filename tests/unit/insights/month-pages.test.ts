// Local days are the machine's: this file runs in Berlin.
process.env.TZ = 'Europe/Berlin';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { readPageDays, readSiteDays } from '../../../src/insights/aggregate-reads';
import { isWholeMonth, readPeriodPages, summarise } from '../../../src/insights/month-pages';
import { pageTotals, type Period } from '../../../src/insights/summary';
import type { RecordedEvent } from '../../../src/model/activity-event';
import { uuidv7 } from '../../../src/model/event-id';
import type { PageMonth } from '../../../src/store/aggregate-records';
import { openEventLog, type EventLog } from '../../../src/store/event-log';
import { dayKey } from '../../../src/store/local-day';
import { openExistingLog, resultOf } from '../../../src/store/open-existing-log';

const at = (month: number, date: number, hour: number, minute = 0) => new Date(2026, month - 1, date, hour, minute).getTime();
const NOVEMBER: Period = { first: '2026-11-01', last: '2026-11-30' };
const DECEMBER: Period = { first: '2026-12-01', last: '2026-12-31' };

let factory: IDBFactory;
let now: number;
let log: EventLog;

const completion = (url: string, start: number, seconds: number, title = `Title of ${url}`): RecordedEvent => ({
  id: uuidv7(start + seconds * 1000),
  action: 'VIEW',
  timestamp: new Date(start).toISOString(),
  url,
  params: { title, duration: seconds },
});

const VIEWS = {
  a1: completion('https://a.example/1', at(11, 2, 9), 60),
  a2: completion('https://a.example/2', at(11, 2, 10), 30),
  b1: completion('https://b.example/1', at(11, 15, 9), 45),
  acrossMidnight: completion('https://a.example/1', at(11, 30, 23, 59), 120, 'A one, renamed'),
  december1: completion('https://a.example/1', at(12, 1, 9), 10),
  today: completion('https://b.example/1', at(12, 3, 9), 20),
};

beforeEach(async () => {
  factory = new IDBFactory();
  now = at(12, 3, 12);
  log = await openEventLog(factory, { clock: () => now });
  await log.append(Object.values(VIEWS));
});

/** The pages table of `period` as the page reads it now, as `url seconds views`. */
async function pagesOf(period: Period): Promise<string[]> {
  const db = (await openExistingLog(factory))!;
  try {
    const siteDays = await readSiteDays(db, period.first, period.last);
    const pages = await readPeriodPages(db, period, siteDays, dayKey(now));
    return pages.map((page) => `${page.url} ${page.seconds} ${page.views} ${page.title}`);
  } finally {
    db.close();
  }
}

/** What the pages table must say: the period's page days summed. */
async function fromPageDays(period: Period): Promise<string[]> {
  const db = (await openExistingLog(factory))!;
  try {
    return pageTotals(await readPageDays(db, period.first, period.last)).map((page) => `${page.url} ${page.seconds} ${page.views} ${page.title}`);
  } finally {
    db.close();
  }
}

async function summaries(): Promise<PageMonth[]> {
  const db = (await openExistingLog(factory))!;
  try {
    return (await resultOf(db.transaction('pageMonths').objectStore('pageMonths').getAll())) as PageMonth[];
  } finally {
    db.close();
  }
}

/** Removes page days behind the log's back: a read that still sees them read the summary. */
async function dropPageDays(period: Period): Promise<void> {
  const db = (await openExistingLog(factory))!;
  const tx = db.transaction('pageDays', 'readwrite');
  tx.objectStore('pageDays').delete(IDBKeyRange.bound([period.first], [period.last, []]));
  await new Promise((resolve) => (tx.oncomplete = resolve));
  db.close();
}

describe('readPeriodPages', () => {
  it('sums a past month once into its summary and then reads the summary, not the page days', async () => {
    const expected = await fromPageDays(NOVEMBER);
    // November 30 23:59 + 120 s runs into December: 60 s on each side (split at midnight).
    expect(expected).toEqual(['https://a.example/1 120 2 A one, renamed', 'https://b.example/1 45 1 Title of https://b.example/1', 'https://a.example/2 30 1 Title of https://a.example/2']);
    expect(await pagesOf(NOVEMBER)).toEqual(expected);
    expect((await summaries()).map(({ month, through, seconds, views }) => ({ month, through, seconds, views }))).toEqual([
      { month: '2026-11', through: '2026-11-30', seconds: 195, views: 4 },
    ]);
    await dropPageDays(NOVEMBER);
    expect(await pagesOf(NOVEMBER)).toEqual(expected);
  });

  it('makes the summary again when a late completion adds to a summed day', async () => {
    await pagesOf(NOVEMBER);
    await log.append([completion('https://c.example/1', at(11, 20, 9), 5)]);
    expect(await pagesOf(NOVEMBER)).toEqual(await fromPageDays(NOVEMBER));
    expect(await pagesOf(NOVEMBER)).toContain('https://c.example/1 5 1 Title of https://c.example/1');
    expect((await summaries())[0]).toMatchObject({ seconds: 200, views: 5 });
  });

  it('sums the current month up to yesterday and adds today\'s page days as they are', async () => {
    expect(await pagesOf(DECEMBER)).toEqual(await fromPageDays(DECEMBER));
    expect((await summaries()).find((summary) => summary.month === '2026-12')).toMatchObject({ through: '2026-12-02', seconds: 70, views: 1 });
    await log.append([completion('https://b.example/1', at(12, 3, 10), 7)]);
    expect(await pagesOf(DECEMBER)).toEqual(await fromPageDays(DECEMBER));
    expect(await pagesOf(DECEMBER)).toContain('https://b.example/1 27 2 Title of https://b.example/1');
  });

  it('extends the summary by the days closed since, and only by them', async () => {
    await pagesOf(DECEMBER);
    now = at(12, 5, 8);
    await log.append([completion('https://d.example/1', at(12, 4, 9), 9)]);
    // The summed days are gone behind the log's back: what is read again comes from the summary.
    await dropPageDays({ first: '2026-12-01', last: '2026-12-02' });
    expect(await pagesOf(DECEMBER)).toEqual([
      'https://a.example/1 70 1 Title of https://a.example/1',
      'https://b.example/1 20 1 Title of https://b.example/1',
      'https://d.example/1 9 1 Title of https://d.example/1',
    ]);
    expect((await summaries()).find((summary) => summary.month === '2026-12')).toMatchObject({ through: '2026-12-04', seconds: 99, views: 3 });
  });

  it('forgets the months a deleted event, site or everything was in', async () => {
    await pagesOf(NOVEMBER);
    await pagesOf(DECEMBER);
    expect(await log.deleteEvent(VIEWS.a2.id)).toBe(true);
    expect((await summaries()).map((summary) => summary.month)).toEqual(['2026-12']);
    expect(await pagesOf(NOVEMBER)).toEqual(await fromPageDays(NOVEMBER));
    expect(await pagesOf(NOVEMBER)).not.toContain('https://a.example/2 30 1 Title of https://a.example/2');

    // A view across midnight is in both months.
    expect(await log.deleteEvent(VIEWS.acrossMidnight.id)).toBe(true);
    expect(await summaries()).toEqual([]);

    await pagesOf(NOVEMBER);
    await pagesOf(DECEMBER);
    expect(await log.deleteSite('b.example')).toBe(1 + 1);
    expect(await summaries()).toEqual([]);
    expect(await pagesOf(NOVEMBER)).toEqual(['https://a.example/1 60 1 Title of https://a.example/1']);

    await log.deleteAll();
    expect(await summaries()).toEqual([]);
    expect(await pagesOf(NOVEMBER)).toEqual([]);
  });

  it('is never fooled by a delete and an append that leave the sums as they were', async () => {
    await pagesOf(NOVEMBER);
    expect(await log.deleteEvent(VIEWS.a2.id)).toBe(true);
    await log.append([completion('https://c.example/1', at(11, 3, 9), 30)]);
    expect(await pagesOf(NOVEMBER)).toEqual(await fromPageDays(NOVEMBER));
    expect(await pagesOf(NOVEMBER)).toContain('https://c.example/1 30 1 Title of https://c.example/1');
  });

  it('reads the days in a read-only transaction and writes over pageMonths alone', async () => {
    // Called after the page's first read, which folded the appends into the totals.
    await log.fold();
    const db = (await openExistingLog(factory))!;
    const opened: { scope: string[]; mode: string }[] = [];
    const transaction = db.transaction.bind(db);
    db.transaction = ((scope: string | string[], mode?: IDBTransactionMode) => {
      opened.push({ scope: [scope].flat(), mode: mode ?? 'readonly' });
      return transaction(scope, mode);
    }) as typeof db.transaction;
    try {
      const summary = await summarise(db, NOVEMBER.first, NOVEMBER.last);
      expect(summary).toMatchObject({ month: '2026-11', through: '2026-11-30', seconds: 195, views: 4 });
    } finally {
      db.close();
    }
    // A fold writes siteDays and pageDays: a write lock on them would hold it (and the appends behind it) for the read.
    expect(opened).toEqual([
      { scope: ['siteDays', 'pageDays', 'pageMonths'], mode: 'readonly' },
      { scope: ['pageMonths'], mode: 'readwrite' },
    ]);
    expect((await summaries()).map((kept) => kept.month)).toEqual(['2026-11']);
  });

  it('makes a summary written over days a delete changed meanwhile again on the next reading', async () => {
    await pagesOf(NOVEMBER);
    const [before] = await summaries();
    expect(await log.deleteSite('b.example')).toBe(1 + 1);
    // What the write of a summary read before the delete leaves behind.
    const db = (await openExistingLog(factory))!;
    const tx = db.transaction('pageMonths', 'readwrite');
    tx.objectStore('pageMonths').put(before);
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
    expect(await pagesOf(NOVEMBER)).toEqual(await fromPageDays(NOVEMBER));
    expect(await pagesOf(NOVEMBER)).not.toContain('https://b.example/1 45 1 Title of https://b.example/1');
    expect((await summaries())[0]).toMatchObject({ seconds: 150, views: 3 });
  });

  it('forgets the months retention takes days out of, and keeps the later ones', async () => {
    await pagesOf(NOVEMBER);
    await pagesOf(DECEMBER);
    now = at(12, 20, 12);
    // Keep 31 days: the days before November 20 go, so November's summary with them.
    await log.prune({ keepSentDays: 3650, maxRecords: 100_000, keepSummaryDays: 31 });
    expect((await summaries()).map((summary) => summary.month)).toEqual(['2026-12']);
    expect(await pagesOf(NOVEMBER)).toEqual(['https://a.example/1 60 1 A one, renamed']);
    expect(await pagesOf(NOVEMBER)).toEqual(await fromPageDays(NOVEMBER));
  });

  it('reads a week or a day from its page days and writes no summary', async () => {
    const week: Period = { first: '2026-11-30', last: '2026-12-06' };
    expect(await pagesOf(week)).toEqual(await fromPageDays(week));
    expect(await pagesOf({ first: '2026-11-02', last: '2026-11-02' })).toEqual(await fromPageDays({ first: '2026-11-02', last: '2026-11-02' }));
    expect(await summaries()).toEqual([]);
  });
});

describe('isWholeMonth', () => {
  it('is a calendar month from its first day to its last', () => {
    expect(isWholeMonth(NOVEMBER)).toBe(true);
    expect(isWholeMonth({ first: '2026-02-01', last: '2026-02-28' })).toBe(true);
    expect(isWholeMonth({ first: '2026-11-01', last: '2026-11-29' })).toBe(false);
    expect(isWholeMonth({ first: '2026-11-02', last: '2026-11-30' })).toBe(false);
    expect(isWholeMonth({ first: '2026-11-30', last: '2026-12-06' })).toBe(false);
  });
});
