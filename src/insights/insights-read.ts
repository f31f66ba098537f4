import type { SearchMade, SiteDay, ViewSpan } from '../store/aggregate-records';
import { BACKFILL_LAST, BACKFILL_NEXT } from '../store/log-schema';
import { newestOf, resultOf } from '../store/open-existing-log';
import { folded, stillToBuildOf } from './aggregate-reads';
import type { Period } from './summary';

/** Searches the page lists at most (newest first); the count says how many there were. */
export const SEARCHES_SHOWN = 200;

/** What the Insights page shows first of a period: small reads, whatever the log's size. */
export interface InsightsData {
  siteDays: SiteDay[];
  /** The day's completed views (a one-day period only: the timeline). */
  spans: ViewSpan[];
  /** The newest searches of the period, at most `SEARCHES_SHOWN`, newest first. */
  searches: SearchMade[];
  searchCount: number;
  /** Events from before the aggregates still to be added (0: the figures are complete). */
  stillToBuild: number;
}

/** Keys `[day, …]` of the period's days (an array sorts after any string). */
const daysOf = ({ first, last }: Period) => IDBKeyRange.bound([first], [last, []]);

/**
 * Reads what the page paints first of a period (docs/design.md §4, §7a): the site days, the
 * newest searches (their count is the site days'), and for one day its views. Each through a key range of the
 * period's days, so the cost follows the days and sites shown, never the size of the log.
 * Plain IndexedDB: what was appended since the last fold is folded first (`folded`), then every
 * request at once in one read-only transaction. `mark` is told when
 * each part is back (the page's performance marks).
 */
export async function readInsightsData(
  db: IDBDatabase,
  period: Period,
  searchLimit = SEARCHES_SHOWN,
  mark: (part: string) => void = () => undefined,
): Promise<InsightsData> {
  const days = daysOf(period);
  await folded(db);
  mark('folded');
  const tx = db.transaction(['siteDays', 'viewSpans', 'searches', 'counters']);
  const searchStore = tx.objectStore('searches');
  const counters = tx.objectStore('counters');
  const marked = <T>(part: string, read: Promise<T>) => read.then((value) => (mark(part), value));
  const [siteDays, spans, searches, next, lastSeq] = await Promise.all([
    marked('siteDays', resultOf(tx.objectStore('siteDays').getAll(days)) as Promise<SiteDay[]>),
    period.first === period.last ? marked('viewSpans', resultOf(tx.objectStore('viewSpans').getAll(days)) as Promise<ViewSpan[]>) : Promise.resolve([]),
    marked('searches', newestOf<SearchMade>(searchStore, days, searchLimit)),
    resultOf(counters.get(BACKFILL_NEXT)),
    marked('counters', resultOf(counters.get(BACKFILL_LAST))),
  ]);
  return {
    siteDays,
    spans: spans.sort((a, b) => a.start - b.start),
    searches: searches.sort((a, b) => b.at - a.at),
    // The site days count every search their `searches` records hold (§4: both change in one
    // transaction), so no count walks the period's searches (a month: tens of thousands).
    searchCount: siteDays.reduce((sum, day) => sum + day.searches, 0),
    stillToBuild: stillToBuildOf(next, lastSeq),
  };
}
