import type { IDBPTransaction } from 'idb';
import type { RecordedEvent } from '../model/activity-event';
import type { PageDay, SearchMade, SiteDay, ViewSpan } from './aggregate-records';
import { dayKey, splitAtMidnight, type DayKey } from './local-day';
import type { LogDB } from './log-schema';

/** The stores the daily aggregates live in (schema v3). */
export const AGGREGATE_STORES = ['siteDays', 'pageDays', 'viewSpans', 'searches'] as const;
type AggregateStore = (typeof AGGREGATE_STORES)[number];

/** A transaction that may write the aggregates (and, in it, whatever else). */
export type AggregateTransaction = IDBPTransaction<LogDB, AggregateStore[], 'readwrite' | 'versionchange'>;

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
  const siteStore = tx.objectStore('siteDays');
  const pageStore = tx.objectStore('pageDays');
  const siteKeys = new Map<string, [DayKey, string]>();
  const pageKeys = new Map<string, [DayKey, string]>();
  for (const { spans, search } of candidates) {
    for (const span of spans) {
      siteKeys.set(keyOf(span.day, span.host), [span.day, span.host]);
      pageKeys.set(keyOf(span.day, span.url), [span.day, span.url]);
    }
    if (search) siteKeys.set(keyOf(search.day, search.host), [search.day, search.host]);
  }
  const [siteValues, pageValues] = await Promise.all([
    Promise.all([...siteKeys.values()].map((key) => siteStore.get(key))),
    Promise.all([...pageKeys.values()].map((key) => pageStore.get(key))),
  ]);
  const sites = new Map<string, SiteDay>();
  [...siteKeys].forEach(([key, [day, host]], i) => {
    sites.set(key, siteValues[i] ?? { day, host, seconds: 0, views: 0, searches: 0 });
  });
  const pages = new Map<string, PageDay>();
  [...pageKeys].forEach(([key, [day, url]], i) => {
    pages.set(key, pageValues[i] ?? { day, url, host: '', title: '', seconds: 0, views: 0 });
  });

  const touchedSites = new Set<string>();
  const touchedPages = new Set<string>();
  const writes: Promise<unknown>[] = [];
  for (const { spans, search } of which()) {
    for (const span of spans) {
      const siteKey = keyOf(span.day, span.host);
      const site = sites.get(siteKey)!;
      site.seconds += sign * span.seconds;
      site.views += sign * span.views;
      touchedSites.add(siteKey);
      const pageKey = keyOf(span.day, span.url);
      const page = pages.get(pageKey)!;
      page.seconds += sign * span.seconds;
      page.views += sign * span.views;
      page.host = span.host;
      if (sign > 0 || page.title === '') page.title = span.title;
      touchedPages.add(pageKey);
      const spanStore = tx.objectStore('viewSpans');
      writes.push(sign > 0 ? spanStore.put(span) : spanStore.delete([span.day, span.id]));
    }
    if (search) {
      const siteKey = keyOf(search.day, search.host);
      sites.get(siteKey)!.searches += sign;
      touchedSites.add(siteKey);
      const searchStore = tx.objectStore('searches');
      writes.push(sign > 0 ? searchStore.put(search) : searchStore.delete([search.day, search.id]));
    }
  }
  // A total taken back to nothing is removed: a deleted site or page is in no list.
  for (const key of touchedSites) {
    const site = sites.get(key)!;
    const empty = site.seconds <= 0 && site.views <= 0 && site.searches <= 0;
    writes.push(empty ? siteStore.delete([site.day, site.host]) : siteStore.put(site));
  }
  for (const key of touchedPages) {
    const page = pages.get(key)!;
    const empty = page.seconds <= 0 && page.views <= 0;
    writes.push(empty ? pageStore.delete([page.day, page.url]) : pageStore.put(page));
  }
  for (const write of writes) write.catch(ignore);
}

/** Removes every aggregate of one site. */
export async function deleteSiteAggregates(tx: AggregateTransaction, host: string): Promise<void> {
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
  const before = IDBKeyRange.upperBound([firstKept], true);
  await Promise.all(AGGREGATE_STORES.map((name) => tx.objectStore(name).delete(before as never)));
}

export async function clearAggregates(tx: AggregateTransaction): Promise<void> {
  await Promise.all(AGGREGATE_STORES.map((name) => tx.objectStore(name).clear()));
}
