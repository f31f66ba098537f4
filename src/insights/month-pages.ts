import type { PageDay, PageMonth, PageTotal, SiteDay } from '../store/aggregate-records';
import { addDays, type DayKey } from '../store/local-day';
import { monthOf, PAGE_MONTHS } from '../store/page-months';
import { resultOf } from '../store/open-existing-log';
import { readPageDays } from './aggregate-reads';
import { pageTotals, type Period } from './summary';

/**
 * The pages table of a period (docs/design.md §4 "Month summaries", §7a). A week or a day
 * reads its page days. A calendar month reads its summary (store `pageMonths`: one record of
 * the page totals of its days up to yesterday) and the page days after it (today's, in the
 * current month): one record and a day instead of a page a day for thirty days. The summary
 * is made here, on reading, the first time a month is shown and again when it is out of
 * date; nothing on the recording path writes it. Plain IndexedDB, no zod.
 */

/** Foreground seconds and completed views of the site days from `first` to `through`. */
export function siteDaySums(siteDays: readonly SiteDay[], first: DayKey, through: DayKey): { seconds: number; views: number } {
  let seconds = 0;
  let views = 0;
  for (const day of siteDays) {
    if (day.day < first || day.day > through) continue;
    seconds += day.seconds;
    views += day.views;
  }
  return { seconds, views };
}

/**
 * Whether a summary still says what its days hold: an append to them since it was made (a
 * view completed late, across midnight, or added by the backfill) adds seconds or a view to
 * their site days, which every page day it changes also gets. Deletions and retention do not
 * need this test: they remove the summaries of the months they change (`page-months.ts`).
 */
export function isCurrent(summary: PageMonth, siteDays: readonly SiteDay[], first: DayKey): boolean {
  const sums = siteDaySums(siteDays, first, summary.through);
  return sums.seconds === summary.seconds && sums.views === summary.views;
}

/** The summary's totals as page days of its last day: `pageTotals` adds them to later days. */
const asPageDays = (summary: PageMonth): PageDay[] => summary.pages.map((page) => ({ ...page, day: summary.through }));

/** Whether the period is one whole calendar month. */
export function isWholeMonth({ first, last }: Period): boolean {
  return first.endsWith('-01') && monthOf(first) === monthOf(last) && monthOf(addDays(last, 1)) !== monthOf(last);
}

/**
 * The pages of `period`, most time first. `siteDays` are the period's site days as the page
 * read them for its first paint (the summary is checked against them), `today` the local day
 * now: a summary covers the month's days before it, which no longer change but by a late
 * completion (seen by `isCurrent`).
 */
export async function readPeriodPages(db: IDBDatabase, period: Period, siteDays: readonly SiteDay[], today: DayKey): Promise<PageTotal[]> {
  const yesterday = addDays(today, -1);
  const through = period.last < yesterday ? period.last : yesterday;
  if (!isWholeMonth(period) || !db.objectStoreNames.contains(PAGE_MONTHS) || through < period.first) {
    return pageTotals(await readPageDays(db, period.first, period.last));
  }
  const tx = db.transaction([PAGE_MONTHS, 'pageDays']);
  const later = (days: DayKey) => (days <= period.last ? resultOf(tx.objectStore('pageDays').getAll(IDBKeyRange.bound([days], [period.last, []]))) : Promise.resolve([]));
  const [kept, afterKept] = await Promise.all([
    resultOf(tx.objectStore(PAGE_MONTHS).get(monthOf(period.first))) as Promise<PageMonth | undefined>,
    later(addDays(through, 1)) as Promise<PageDay[]>,
  ]);
  const summary = kept && kept.through === through && isCurrent(kept, siteDays, period.first) ? kept : await summarise(db, period.first, through);
  return pageTotals([...asPageDays(summary), ...afterKept]);
}

/**
 * Makes (or brings up to date) the summary of the month of `first` over its days up to
 * `through`: a summary still current up to an earlier day is extended by the days since, any
 * other is made again from the page days. The days are read in a read-only transaction and
 * the summary written in a second one over `pageMonths` alone, so the month's tens of
 * thousands of page days are never read under a write lock on `siteDays` and `pageDays`,
 * which would hold every append (and every reader) until the summary is written
 * (docs/design.md §4, "Month summaries"). A delete landing between the two finds no summary
 * to forget and this one is then written over days that changed: its sums no longer match
 * the site days, so the next reading sees it out of date and makes it again (`isCurrent`).
 */
export async function summarise(db: IDBDatabase, first: DayKey, through: DayKey): Promise<PageMonth> {
  const month = monthOf(first);
  const read = db.transaction(['siteDays', 'pageDays', PAGE_MONTHS]);
  const [kept, siteDays] = await Promise.all([
    resultOf(read.objectStore(PAGE_MONTHS).get(month)) as Promise<PageMonth | undefined>,
    resultOf(read.objectStore('siteDays').getAll(IDBKeyRange.bound([first], [through, []]))) as Promise<SiteDay[]>,
  ]);
  const base = kept && kept.through <= through && isCurrent(kept, siteDays, first) ? kept : undefined;
  const from = base ? addDays(base.through, 1) : first;
  const added = from <= through ? ((await resultOf(read.objectStore('pageDays').getAll(IDBKeyRange.bound([from], [through, []])))) as PageDay[]) : [];
  const summary: PageMonth = {
    month,
    through,
    ...siteDaySums(siteDays, first, through),
    pages: pageTotals([...(base ? asPageDays(base) : []), ...added]),
  };
  const write = db.transaction(PAGE_MONTHS, 'readwrite');
  write.objectStore(PAGE_MONTHS).put(summary);
  await new Promise<void>((resolve, reject) => {
    write.oncomplete = () => resolve();
    write.onerror = () => reject(write.error);
    write.onabort = () => reject(write.error);
  });
  return summary;
}
