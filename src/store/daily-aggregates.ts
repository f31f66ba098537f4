import type { IDBPTransaction } from 'idb';
import type { RecordedEvent } from '../model/activity-event';
import type { PageDay, SearchMade, SiteDay, ViewSpan } from './aggregate-records';
import { dayKey, splitAtMidnight, type DayKey } from './local-day';
import { TOTALS_CHANGED, type LogDB } from './log-schema';

/** The stores the daily aggregates live in (schema v3). */
export const AGGREGATE_STORES = ['siteDays', 'pageDays', 'viewSpans', 'searches'] as const;
type AggregateStore = (typeof AGGREGATE_STORES)[number];

/**
 * A transaction that may write the aggregates (and, in it, whatever else); `counters` holds the
 * note that they changed (`markTotalsChanged`).
 */
export type AggregateTransaction = IDBPTransaction<LogDB, (AggregateStore | 'counters')[], 'readwrite' | 'versionchange'>;

/** What one event adds to the aggregates: a completed view's parts per day, or a search. */
export interface Contribution {
  spans: ViewSpan[];
  search: SearchMade | null;
}

/**
 * What an event adds: a completing VIEW (the one with `duration`, docs/design.md §2) its
 * foreground seconds, split at local midnight; a SEARCH one search with its terms. A view's
 * start, imported history (no foreground time is known for it) and other actions add nothing.
 */
export function contributionOf(event: RecordedEvent, host: string): Contribution | null {
  const params = event.params ?? {};
  if (event.action === 'VIEW' && params.duration !== undefined && !params.truncated) {
    const start = Date.parse(event.timestamp);
    const title = params.title || event.url;
    const spans = splitAtMidnight(start, params.duration).map(
      (piece, i): ViewSpan => ({ ...piece, id: event.id, host, url: event.url, title, views: i === 0 ? 1 : 0 }),
    );
    return { spans, search: null };
  }
  if (event.action === 'SEARCH') {
    const at = Date.parse(event.timestamp);
    const search: SearchMade = { day: dayKey(at), id: event.id, host, url: event.url, query: params.query ?? '', at };
    return { spans: [], search };
  }
  return null;
}

/** The contribution an event made, as the aggregates hold it (empty when it made none). */
export async function storedContribution(tx: AggregateTransaction, id: string): Promise<Contribution> {
  const [spans, searches] = await Promise.all([
    tx.objectStore('viewSpans').index('byId').getAll(id),
    tx.objectStore('searches').index('byId').getAll(id),
  ]);
  return { spans, search: searches[0] ?? null };
}

const keyOf = (day: DayKey, name: string) => `${day}\n${name}`;
const ignore = () => undefined;

/** Day × site and day × page totals by `keyOf(day, host | url)`. */
export interface Totals {
  sites: Map<string, SiteDay>;
  pages: Map<string, PageDay>;
}

/** The keys of the totals these contributions touch. */
export function totalKeys(contributions: readonly Contribution[]): { sites: string[]; pages: string[] } {
  const sites = new Set<string>();
  const pages = new Set<string>();
  for (const { spans, search } of contributions) {
    for (const span of spans) {
      sites.add(keyOf(span.day, span.host));
      pages.add(keyOf(span.day, span.url));
    }
    if (search) sites.add(keyOf(search.day, search.host));
  }
  return { sites: [...sites], pages: [...pages] };
}

const splitKey = (key: string): [DayKey, string] => {
  const cut = key.indexOf('\n');
  return [key.slice(0, cut) as DayKey, key.slice(cut + 1)];
};

/** Reads the totals these contributions touch, at once; one not stored yet reads as zero. */
export async function readTotals(tx: AggregateTransaction, contributions: readonly Contribution[]): Promise<Totals> {
  const keys = totalKeys(contributions);
  const [siteValues, pageValues] = await Promise.all([
    Promise.all(keys.sites.map((key) => tx.objectStore('siteDays').get(splitKey(key)))),
    Promise.all(keys.pages.map((key) => tx.objectStore('pageDays').get(splitKey(key)))),
  ]);
  const sites = new Map<string, SiteDay>();
  keys.sites.forEach((key, i) => {
    const [day, host] = splitKey(key);
    sites.set(key, siteValues[i] ?? { day, host, seconds: 0, views: 0, searches: 0 });
  });
  const pages = new Map<string, PageDay>();
  keys.pages.forEach((key, i) => {
    const [day, url] = splitKey(key);
    pages.set(key, pageValues[i] ?? { day, url, host: '', title: '', seconds: 0, views: 0 });
  });
  return { sites, pages };
}

/**
 * Adds (`sign` 1) or takes back (-1) the contributions in `from` (the totals as stored, which
 * it leaves alone), asks for the writes of the changed totals and of the spans and searches,
 * and returns the totals as written (a total taken back to nothing is removed, and returned at
 * zero). Resolves nothing: the caller's transaction reports a failed write.
 */
export function writeContributions(
  tx: AggregateTransaction,
  from: Totals,
  contributions: readonly Contribution[],
  sign: 1 | -1,
): Totals {
  const sites = new Map<string, SiteDay>();
  const pages = new Map<string, PageDay>();
  const site = (key: string) => sites.get(key) ?? sites.set(key, { ...from.sites.get(key)! }).get(key)!;
  const page = (key: string) => pages.get(key) ?? pages.set(key, { ...from.pages.get(key)! }).get(key)!;
  const writes: Promise<unknown>[] = [];
  for (const { spans, search } of contributions) {
    for (const span of spans) {
      const siteDay = site(keyOf(span.day, span.host));
      siteDay.seconds += sign * span.seconds;
      siteDay.views += sign * span.views;
      const pageDay = page(keyOf(span.day, span.url));
      pageDay.seconds += sign * span.seconds;
      pageDay.views += sign * span.views;
      pageDay.host = span.host;
      if (sign > 0 || pageDay.title === '') pageDay.title = span.title;
      const spanStore = tx.objectStore('viewSpans');
      writes.push(sign > 0 ? spanStore.put(span) : spanStore.delete([span.day, span.id]));
    }
    if (search) {
      site(keyOf(search.day, search.host)).searches += sign;
      const searchStore = tx.objectStore('searches');
      writes.push(sign > 0 ? searchStore.put(search) : searchStore.delete([search.day, search.id]));
    }
  }
  // A total taken back to nothing is removed: a deleted site or page is in no list.
  for (const total of sites.values()) {
    const empty = total.seconds <= 0 && total.views <= 0 && total.searches <= 0;
    const store = tx.objectStore('siteDays');
    writes.push(empty ? store.delete([total.day, total.host]) : store.put(total));
  }
  for (const total of pages.values()) {
    const empty = total.seconds <= 0 && total.views <= 0;
    const store = tx.objectStore('pageDays');
    writes.push(empty ? store.delete([total.day, total.url]) : store.put(total));
  }
  for (const write of writes) write.catch(ignore);
  return { sites, pages };
}

/**
 * Notes, in the transaction, that the totals were changed other than by the appends of the
 * log that keeps them in memory (docs/design.md §4, "the totals kept in memory"): that log's
 * next append finds the note and reads them again. Every change of the aggregates but an
 * append makes it — the functions below make it themselves.
 */
export function markTotalsChanged(tx: AggregateTransaction): void {
  tx.objectStore('counters').put(1, TOTALS_CHANGED).catch(ignore);
}

/**
 * Adds (`sign` 1) or takes back (-1) contributions in the day × site and day × page totals,
 * and writes or removes their spans and searches. Reads every total it touches at once, then
 * asks for every write at once and resolves without waiting for the writes: the caller's
 * transaction reports their failure. `which` picks, once the reads are back, the
 * contributions that really count (an append's refused duplicates do not): requests in one
 * transaction are answered in order, so by then the earlier adds' answers are known.
 */
export async function applyToTotals(
  tx: AggregateTransaction,
  candidates: readonly Contribution[],
  sign: 1 | -1,
  which: () => readonly Contribution[] = () => candidates,
): Promise<void> {
  markTotalsChanged(tx);
  const totals = await readTotals(tx, candidates);
  writeContributions(tx, totals, which(), sign);
}

/** Removes every aggregate of one site. */
export async function deleteSiteAggregates(tx: AggregateTransaction, host: string): Promise<void> {
  markTotalsChanged(tx);
  const byHostDay = IDBKeyRange.bound([host], [host, []]);
  const deletions: Promise<unknown>[] = [];
  for (const name of ['siteDays', 'pageDays'] as const) {
    deletions.push(deleteAllIn(tx.objectStore(name).index('byHostDay').openKeyCursor(byHostDay), tx, name));
  }
  for (const name of ['viewSpans', 'searches'] as const) {
    deletions.push(deleteAllIn(tx.objectStore(name).index('byHost').openKeyCursor(IDBKeyRange.only(host)), tx, name));
  }
  await Promise.all(deletions);
}

async function deleteAllIn(
  first: Promise<{ primaryKey: IDBValidKey; continue(): Promise<unknown> } | null>,
  tx: AggregateTransaction,
  name: AggregateStore,
): Promise<void> {
  const store = tx.objectStore(name);
  for (let cursor = await first; cursor; cursor = (await cursor.continue()) as typeof cursor) {
    void store.delete(cursor.primaryKey as never).catch(ignore);
  }
}

/** Removes every aggregate of the days before `firstKept` (their keys all begin with the day). */
export async function pruneAggregatesBefore(tx: AggregateTransaction, firstKept: DayKey): Promise<void> {
  markTotalsChanged(tx);
  const before = IDBKeyRange.upperBound([firstKept], true);
  await Promise.all(AGGREGATE_STORES.map((name) => tx.objectStore(name).delete(before as never)));
}

export async function clearAggregates(tx: AggregateTransaction): Promise<void> {
  markTotalsChanged(tx);
  await Promise.all(AGGREGATE_STORES.map((name) => tx.objectStore(name).clear()));
}
