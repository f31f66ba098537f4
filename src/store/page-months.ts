import type { IDBPObjectStore, StoreNames } from 'idb';
import type { DayKey } from './local-day';
import type { LogDB } from './log-schema';

/**
 * The month summaries of the page totals (store `pageMonths`, docs/design.md §4): made by the
 * Insights page when it reads a month (`src/insights/month-pages.ts`), forgotten here by what
 * takes something out of the aggregates, in its own transaction — a delete, the deletion of a
 * site or of everything, retention. Folds and the backfill only add: a summary they make
 * out of date is seen to be (its site-day sums no longer match) and made again; they never
 * write here.
 */

export const PAGE_MONTHS = 'pageMonths';

/** The month a day belongs to: `2026-11` of `2026-11-27`. */
export const monthOf = (day: DayKey): string => day.slice(0, 7);

type MonthsStore = IDBPObjectStore<LogDB, StoreNames<LogDB>[], 'pageMonths', 'readwrite'>;

/** Forgets the months of these days (a deleted event's parts). */
export async function forgetMonthsOf(store: MonthsStore, days: Iterable<DayKey>): Promise<void> {
  await Promise.all([...new Set([...days].map(monthOf))].map((month) => store.delete(month)));
}

/** Forgets the months up to the one `day` is in, that one included (retention from `day` on). */
export async function forgetMonthsThrough(store: MonthsStore, day: DayKey): Promise<void> {
  await store.delete(IDBKeyRange.upperBound(monthOf(day)));
}

/** Forgets every month (a site deleted: it may be in any of them; everything deleted). */
export async function forgetAllMonths(store: MonthsStore): Promise<void> {
  await store.clear();
}
