import { foldLog, leftToFold } from '../store/aggregate-fold';
import type { PageDay, SiteDay } from '../store/aggregate-records';
import type { DayKey } from '../store/local-day';
import { BACKFILL_LAST, BACKFILL_NEXT, FOLDED_THROUGH } from '../store/log-schema';
import { resultOf } from '../store/open-existing-log';

/**
 * Reads of the daily aggregates with the plain IndexedDB API (no zod: the popup's first paint
 * uses them). Each reads the days asked for through a key range, so its cost follows the days
 * and sites shown, never the number of events in the log. Each first folds what was appended
 * since the last fold (`folded`), so the figures are exact.
 */

/** The fold each connection has in flight: the reads a page starts at once share it. */
const foldsInFlight = new WeakMap<IDBDatabase, Promise<void>>();

/**
 * Folds the events appended since the last fold into the aggregates (docs/design.md §4), so
 * that what is read next holds them: usually none or a few (the background folds once capture
 * pauses). A fold that fails (the disk refuses writes, and the status line says so) leaves the
 * figures short of those events rather than the page without figures. Reads started while a
 * fold of their connection is in flight wait for that one instead of queueing read-write
 * transactions of their own behind it (the Insights page starts three at once); what is
 * appended meanwhile is the next read's to fold.
 */
export function folded(db: IDBDatabase): Promise<void> {
  let fold = foldsInFlight.get(db);
  if (!fold) {
    fold = foldLog(db)
      .catch(() => undefined)
      .finally(() => foldsInFlight.delete(db));
    foldsInFlight.set(db, fold);
  }
  return fold;
}

/** Keys `[day, …]` from `first` to `last`, both included (an array sorts after any string). */
const daysRange = (first: DayKey, last: DayKey) => IDBKeyRange.bound([first], [last, []]);

/** Whether a v3 database is open (a v2 one, before its upgrade, has no aggregates). */
export const hasAggregates = (db: IDBDatabase) => db.objectStoreNames.contains('siteDays');

export async function readSiteDays(db: IDBDatabase, first: DayKey, last: DayKey): Promise<SiteDay[]> {
  await folded(db);
  return resultOf(db.transaction('siteDays').objectStore('siteDays').getAll(daysRange(first, last))) as Promise<SiteDay[]>;
}

/**
 * The site days of `first`…`last` without a fold, when there is nothing to fold: the mark, the
 * newest event's key and the days in one read-only transaction, all at once. Null when events
 * were appended past the mark (then `readSiteDays`, which folds first). The popup's first paint
 * (docs/design.md §7): a fold is a read-write transaction over the events, so it waits for the
 * list's read and the days' read waits for it.
 */
export async function readSiteDaysIfFolded(db: IDBDatabase, first: DayKey, last: DayKey): Promise<SiteDay[] | null> {
  const tx = db.transaction(['events', 'counters', 'siteDays']);
  const [through, newest, days] = await Promise.all([
    resultOf(tx.objectStore('counters').get(FOLDED_THROUGH)),
    resultOf(tx.objectStore('events').openKeyCursor(null, 'prev')),
    resultOf(tx.objectStore('siteDays').getAll(daysRange(first, last))),
  ]);
  return leftToFold(db.version, through, newest?.key ?? null) ? null : (days as SiteDay[]);
}

/** The pages of the days, of one site when `host` is given. */
export async function readPageDays(db: IDBDatabase, first: DayKey, last: DayKey, host?: string): Promise<PageDay[]> {
  await folded(db);
  const store = db.transaction('pageDays').objectStore('pageDays');
  const request =
    host === undefined
      ? store.getAll(daysRange(first, last))
      : store.index('byHostDay').getAll(IDBKeyRange.bound([host, first], [host, last]));
  return resultOf(request) as Promise<PageDay[]>;
}

/** Events recorded before the upgrade that are not in the aggregates yet (0: none). */
export async function aggregatesStillToBuild(db: IDBDatabase): Promise<number> {
  const counters = db.transaction('counters').objectStore('counters');
  const [next, last] = await Promise.all([resultOf(counters.get(BACKFILL_NEXT)), resultOf(counters.get(BACKFILL_LAST))]);
  return stillToBuildOf(next, last);
}

/** The events the backfill has still to add, from its two counters (absent: none). */
export function stillToBuildOf(next: unknown, last: unknown): number {
  return typeof next === 'number' && typeof last === 'number' ? Math.max(0, last - next + 1) : 0;
}
