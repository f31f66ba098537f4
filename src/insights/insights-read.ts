import type { PageDay, SearchMade, SiteDay, ViewSpan } from '../store/aggregate-records';
import { stillToBuildOf } from './aggregate-reads';
import { BACKFILL_LAST, BACKFILL_NEXT } from '../store/log-schema';
import { resultOf } from '../store/open-existing-log';
import type { Period } from './summary';

/** Searches the page lists at most (newest first); the count says how many there were. */
export const SEARCHES_SHOWN = 200;

/** Everything the Insights page shows of a period, read in one transaction of the aggregates. */
export interface InsightsData {
  siteDays: SiteDay[];
  pageDays: PageDay[];
  /** The day's completed views (a one-day period only: the timeline). */
  spans: ViewSpan[];
  /** The newest searches of the period, at most `SEARCHES_SHOWN`, newest first. */
  searches: SearchMade[];
  searchCount: number;
  /** Events from before the aggregates still to be added (0: the figures are complete). */
  stillToBuild: number;
}

/**
 * Reads a period's aggregates (docs/design.md §4, §7a): each store through a key range of the
 * period's days, so the cost follows the days and sites shown, never the size of the log.
 * Plain IndexedDB, all requests at once in one read-only transaction.
 */
export async function readInsightsData(db: IDBDatabase, { first, last }: Period, searchLimit = SEARCHES_SHOWN): Promise<InsightsData> {
  const days = IDBKeyRange.bound([first], [last, []]);
  const oneDay = first === last;
  const tx = db.transaction(['siteDays', 'pageDays', 'viewSpans', 'searches', 'counters']);
  const searchStore = tx.objectStore('searches');
  const newestSearches = new Promise<SearchMade[]>((resolve, reject) => {
    const found: SearchMade[] = [];
    const cursor = searchStore.openCursor(days, 'prev');
    cursor.onerror = () => reject(cursor.error);
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (at && found.length < searchLimit) {
        found.push(at.value as SearchMade);
        at.continue();
      } else resolve(found);
    };
  });
  const counters = tx.objectStore('counters');
  const [siteDays, pageDays, spans, searches, searchCount, next, lastSeq] = await Promise.all([
    resultOf(tx.objectStore('siteDays').getAll(days)) as Promise<SiteDay[]>,
    resultOf(tx.objectStore('pageDays').getAll(days)) as Promise<PageDay[]>,
    oneDay ? (resultOf(tx.objectStore('viewSpans').getAll(days)) as Promise<ViewSpan[]>) : Promise.resolve([]),
    newestSearches,
    resultOf(searchStore.count(days)),
    resultOf(counters.get(BACKFILL_NEXT)),
    resultOf(counters.get(BACKFILL_LAST)),
  ]);
  return {
    siteDays,
    pageDays,
    spans: spans.sort((a, b) => a.start - b.start),
    searches: searches.sort((a, b) => b.at - a.at),
    searchCount,
    stillToBuild: stillToBuildOf(next, lastSeq),
  };
}
