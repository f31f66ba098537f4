import {
  AGGREGATE_STORES,
  applyToTotals,
  clearAggregates,
  deleteSiteAggregates,
  storedContribution,
  type AggregateTransaction,
} from './daily-aggregates';
import { unwrap } from 'idb';
import { stateRange, type LogDatabase } from './log-database';
import { EVENT_STATES, type EventState, type StoredLogEntry } from './log-entry';
import { BACKFILL_LAST, BACKFILL_NEXT } from './log-schema';
import { forgetAllMonths, forgetMonthsOf, PAGE_MONTHS } from './page-months';
import { DROPPED, DURABLE } from './recording-log';

/**
 * What the user does with the log from the popup and the options page (docs/design.md §4, §7):
 * page through it, search it, count it, retry what was rejected, delete. The background never
 * does these, so its bundle does without them (docs/design.md §10, the lean background).
 */

/** Records read per request while searching: the log is never loaded at once. */
const SEARCH_CHUNK = 500;

/** One page of search results and where the search goes on. */
export interface SearchPage {
  /** Matching records, newest first. */
  entries: StoredLogEntry[];
  /** Pass as `beforeSeq` for the next page; null once the whole log was searched. */
  next: number | null;
}

export interface LogBrowsing {
  /** The newest records first, `limit` of them, older than `beforeSeq` when paging on. */
  recent(limit: number, beforeSeq?: number): Promise<StoredLogEntry[]>;
  /**
   * The newest records for which `matches` is true, up to `limit`, older than `beforeSeq` when
   * paging on. Reads the log newest first in chunks of keys, so memory stays bounded and a
   * page of frequent matches returns after reading little.
   */
  search(matches: (entry: StoredLogEntry) => boolean, limit: number, beforeSeq?: number): Promise<SearchPage>;
  countByState(): Promise<Record<EventState, number>>;
  /** "Retry rejected": every rejected record is pending again, with no attempts; resolves to how many. */
  retryRejected(): Promise<number>;
  deleteEvent(id: string): Promise<boolean>;
  /** Every record whose URL host is `host`; resolves to how many. */
  deleteSite(host: string): Promise<number>;
  deleteAll(): Promise<void>;
  /** Pending events ever removed by the cap. */
  droppedCount(): Promise<number>;
}

export function createLogBrowsing(database: LogDatabase): LogBrowsing {
  return {
    async recent(limit, beforeSeq) {
      const db = await database();
      const range = beforeSeq === undefined ? null : IDBKeyRange.upperBound(beforeSeq, true);
      const entries: StoredLogEntry[] = [];
      let cursor = await db.transaction('events').store.openCursor(range, 'prev');
      while (cursor && entries.length < limit) {
        entries.push(cursor.value);
        cursor = await cursor.continue();
      }
      return entries;
    },

    async search(matches, limit, beforeSeq) {
      const db = await database();
      const store = db.transaction('events').store;
      const [lowest] = await store.getAllKeys(null, 1);
      const newest = await store.openKeyCursor(null, 'prev');
      if (lowest === undefined || !newest) return { entries: [], next: null };
      const entries: StoredLogEntry[] = [];
      // Keys below `upper` are still to be read; `seq` only grows, so newest first is descending.
      let upper = Math.min(beforeSeq ?? Infinity, newest.key + 1);
      while (upper > lowest) {
        const lower = Math.max(lowest, upper - SEARCH_CHUNK);
        const chunk = await store.getAll(IDBKeyRange.bound(lower, upper, false, true));
        for (let i = chunk.length - 1; i >= 0; i--) {
          const entry = chunk[i]!;
          if (!matches(entry)) continue;
          entries.push(entry);
          if (entries.length >= limit) return { entries, next: entry.seq };
        }
        upper = lower;
      }
      return { entries, next: null };
    },

    async countByState() {
      const db = await database();
      const index = db.transaction('events').store.index('byState');
      const counts = await Promise.all(EVENT_STATES.map((state) => index.count(stateRange(state))));
      return Object.fromEntries(EVENT_STATES.map((state, i) => [state, counts[i]])) as Record<
        EventState,
        number
      >;
    },

    async retryRejected() {
      const db = await database();
      const tx = db.transaction('events', 'readwrite', DURABLE);
      let retried = 0;
      let cursor = await tx.store.index('byState').openCursor(stateRange('rejected'));
      while (cursor) {
        const { lastError: _reason, ...entry } = cursor.value;
        await cursor.update({ ...entry, state: 'pending', attempts: 0 });
        retried++;
        cursor = await cursor.continue();
      }
      await tx.done;
      return retried;
    },

    // Deletions take the event's share out of the aggregates in the same transaction, and
    // forget the month summaries it was in: a deleted page or site is in no total, even after
    // a crash in between. An event not folded yet has no share there (no span, no search):
    // deleted, it is simply never folded (docs/design.md §4).
    async deleteEvent(id) {
      const db = await database();
      const tx = db.transaction(['events', 'counters', PAGE_MONTHS, ...AGGREGATE_STORES], 'readwrite', DURABLE);
      const events = tx.objectStore('events');
      const [seq, contribution] = await Promise.all([
        events.index('byId').getKey(id),
        storedContribution(tx as unknown as AggregateTransaction, id),
      ]);
      if (seq !== undefined) {
        await Promise.all([
          events.delete(seq),
          applyToTotals(unwrap(tx), [contribution], -1),
          forgetMonthsOf(tx.objectStore(PAGE_MONTHS), contribution.spans.map((span) => span.day)),
        ]);
      }
      await tx.done;
      return seq !== undefined;
    },

    async deleteSite(host) {
      const db = await database();
      const tx = db.transaction(['events', 'counters', PAGE_MONTHS, ...AGGREGATE_STORES], 'readwrite', DURABLE);
      const aggregates = Promise.all([deleteSiteAggregates(tx as unknown as AggregateTransaction, host), forgetAllMonths(tx.objectStore(PAGE_MONTHS))]);
      let deleted = 0;
      let cursor = await tx.objectStore('events').index('byHost').openCursor(IDBKeyRange.only(host));
      while (cursor) {
        await cursor.delete();
        deleted++;
        cursor = await cursor.continue();
      }
      await Promise.all([aggregates, tx.done]);
      return deleted;
    },

    async deleteAll() {
      const db = await database();
      const tx = db.transaction(['events', 'counters', PAGE_MONTHS, ...AGGREGATE_STORES], 'readwrite', DURABLE);
      const counters = tx.objectStore('counters');
      await Promise.all([
        tx.objectStore('events').clear(),
        clearAggregates(tx as unknown as AggregateTransaction),
        forgetAllMonths(tx.objectStore(PAGE_MONTHS)),
        counters.delete(BACKFILL_NEXT),
        counters.delete(BACKFILL_LAST),
        tx.done,
      ]);
    },

    async droppedCount() {
      const db = await database();
      return (await db.transaction('counters').store.get(DROPPED)) ?? 0;
    },

  };
}
