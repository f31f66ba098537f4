import type { IDBPTransaction } from 'idb';
import type { RecordedEvent } from '../model/activity-event';
import type { PageDay, SearchMade, SiteDay, ViewSpan } from './aggregate-records';
import { dayKey, splitAtMidnight, type DayKey } from './local-day';
import type { LogDB } from './log-schema';
import { resultOf } from './open-existing-log';

/** The stores the daily aggregates live in (schema v3). */
export const AGGREGATE_STORES = ['siteDays', 'pageDays', 'viewSpans', 'searches'] as const;
type AggregateStore = (typeof AGGREGATE_STORES)[number];

/** A transaction (of `idb`) that may write the aggregates, and, in it, whatever else. */
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
interface Totals {
  sites: Map<string, SiteDay>;
  pages: Map<string, PageDay>;
}

/** The keys of the totals these contributions touch. */
function totalKeys(contributions: readonly Contribution[]): { sites: string[]; pages: string[] } {
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

/**
 * Reads the totals these contributions touch, at once; one not stored yet reads as zero. Plain
 * IndexedDB (a `readwrite` transaction over the aggregates): the pages fold with it too
 * (`aggregate-fold.ts`), and they do without `idb`.
 */
async function readTotals(tx: IDBTransaction, contributions: readonly Contribution[]): Promise<Totals> {
  const keys = totalKeys(contributions);
  const [siteValues, pageValues] = await Promise.all([
    Promise.all(keys.sites.map((key) => resultOf(tx.objectStore('siteDays').get(splitKey(key))) as Promise<SiteDay | undefined>)),
    Promise.all(keys.pages.map((key) => resultOf(tx.objectStore('pageDays').get(splitKey(key))) as Promise<PageDay | undefined>)),
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
 * it leaves alone) and asks for the writes of the changed totals and of the spans and
 * searches (a total taken back to nothing is removed). The caller's transaction reports a
 * failed write.
 */
function writeContributions(tx: IDBTransaction, from: Totals, contributions: readonly Contribution[], sign: 1 | -1): void {
  const sites = new Map<string, SiteDay>();
  const pages = new Map<string, PageDay>();
  const site = (key: string) => sites.get(key) ?? sites.set(key, { ...from.sites.get(key)! }).get(key)!;
  const page = (key: string) => pages.get(key) ?? pages.set(key, { ...from.pages.get(key)! }).get(key)!;
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
      if (sign > 0) spanStore.put(span);
      else spanStore.delete([span.day, span.id]);
    }
    if (search) {
      site(keyOf(search.day, search.host)).searches += sign;
      const searchStore = tx.objectStore('searches');
      if (sign > 0) searchStore.put(search);
      else searchStore.delete([search.day, search.id]);
    }
  }
  // A total taken back to nothing is removed: a deleted site or page is in no list.
  const siteStore = tx.objectStore('siteDays');
  for (const total of sites.values()) {
    const empty = total.seconds <= 0 && total.views <= 0 && total.searches <= 0;
    if (empty) siteStore.delete([total.day, total.host]);
    else siteStore.put(total);
  }
  const pageStore = tx.objectStore('pageDays');
  for (const total of pages.values()) {
    const empty = total.seconds <= 0 && total.views <= 0;
    if (empty) pageStore.delete([total.day, total.url]);
    else pageStore.put(total);
  }
}

/**
 * Adds (`sign` 1) or takes back (-1) contributions in the day × site and day × page totals,
 * and writes or removes their spans and searches, in `tx` (plain IndexedDB, readwrite over the
 * aggregates). Reads every total it touches at once, then asks for every write at once and
 * resolves without waiting for the writes: the caller's transaction reports their failure.
 */
export async function applyToTotals(tx: IDBTransaction, contributions: readonly Contribution[], sign: 1 | -1): Promise<void> {
  if (contributions.length === 0) return;
  writeContributions(tx, await readTotals(tx, contributions), contributions, sign);
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
