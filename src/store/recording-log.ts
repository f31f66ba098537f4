import { unwrap, type IDBPDatabase } from 'idb';
import { validateRecordedEvent, type RecordedEvent } from '../model/activity-event';
import { DEFAULT_SETTINGS, type Settings } from '../settings/settings';
import { foldLog, foldStep } from './aggregate-fold';
import { AGGREGATE_STORES, applyToTotals, contributionOf, pruneAggregatesBefore, type AggregateTransaction } from './daily-aggregates';
import { foldSchedule, type FoldDelay } from './fold-schedule';
import { dayKey } from './local-day';
import { connectLogDatabase, stateRange, type LogDatabase, type LogDatabaseOptions } from './log-database';
import type { EventState, StoredLogEntry } from './log-entry';
import { BACKFILL_LAST, BACKFILL_NEXT, OPEN_VIEW, type LogDB } from './log-schema';
import { forgetMonthsThrough, PAGE_MONTHS } from './page-months';

/**
 * The log as recording, sync and retention use it (docs/design.md §4, §5): everything the
 * background does with it. The popup's and the options page's part is `log-browsing.ts`;
 * `event-log.ts` joins the two.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** The counter of pending events the cap removed. */
export const DROPPED = 'dropped';

/**
 * What retention follows, taken from `Settings` by name (docs/design.md §4): sent and rejected
 * events older than `keepSentDays` go, the log keeps at most `maxRecords`, and the daily
 * aggregates (the summary and Insights) are kept `keepSummaryDays` back from today — they
 * outlive the events they were made from. Without it, the default (400: a year and its month).
 */
export type RetentionPolicy = Pick<Settings, 'keepSentDays' | 'maxRecords'> & Partial<Pick<Settings, 'keepSummaryDays'>>;
export const DEFAULT_SUMMARY_DAYS = DEFAULT_SETTINGS.keepSummaryDays;
export const DEFAULT_RETENTION: RetentionPolicy = DEFAULT_SETTINGS;

export interface PruneResult {
  /** Sent or rejected records removed (expired or over the cap). */
  removed: number;
  /** Pending records removed over the cap: they will never reach the server. */
  dropped: number;
}

/** One page of search results and where the search goes on. */
/**
 * How long a record taken to be sent counts as in flight when no answer marks it. Longer than
 * any sync round holds a batch (requests time out after 30 s; a refused batch is halved a few
 * times): a round that died (its worker stopped) frees its records for the cap after this.
 */
export const IN_FLIGHT_LEASE_MS = 5 * 60_000;

export interface Rejection {
  id: string;
  message: string;
}

export interface RecordingLog {
  /**
   * Validates and writes the events in one transaction, resolving once it is complete: from
   * then on the events survive the worker or the browser being killed (durability "relaxed",
   * see `createEventLog`). An id already in the log is skipped (re-imports and retries write
   * nothing twice).
   * Resolves to the number of records written; an invalid event throws and writes nothing.
   */
  append(events: readonly RecordedEvent[], options?: AppendOptions): Promise<number>;
  /** Capture's open view as last appended (`AppendOptions.openView`), or null. */
  openView(): Promise<unknown>;
  /**
   * Records in one state. Counting reads every index entry of the state, so a reader that
   * needs only `pending` (usually few) should not pay for `sent` (up to the whole log).
   */
  countState(state: EventState): Promise<number>;
  /**
   * The oldest pending records, in the order they were recorded. They count as in flight
   * (being sent) until marked sent or rejected, or for `IN_FLIGHT_LEASE_MS`: the cap never
   * drops them meanwhile.
   */
  takePending(limit: number): Promise<StoredLogEntry[]>;
  /** Marks these records sent; resolves to how many changed (pending → sent). */
  markSent(ids: readonly string[]): Promise<number>;
  /** Marks these records rejected; resolves to how many changed. */
  markRejected(rejections: readonly Rejection[]): Promise<number>;
  /**
   * A request that carried these pending events failed (5xx, timeout, network): each one's
   * `attempts` goes up by one and `lastError` says why. They stay pending.
   */
  markFailed(ids: readonly string[], message: string): Promise<void>;
  /** Applies retention and the cap (docs/design.md §4). */
  prune(policy?: RetentionPolicy, now?: number): Promise<PruneResult>;
  /**
   * Adds up to `limit` events recorded before the upgrade to schema v3 to the daily
   * aggregates, in one short transaction, and resolves to how many are still to do (0: the
   * aggregates hold the whole log). See `buildAggregates` for the loop.
   */
  buildAggregatesStep(limit: number): Promise<number>;
  /**
   * Adds the events appended since the last fold to the daily aggregates (docs/design.md §4,
   * "The log is the aggregates' journal"); with `EventLogOptions.fold`, done by itself.
   */
  fold(): Promise<void>;
  close(): void;
}

export interface AppendOptions {
  /**
   * Capture's open view after these events (null: none), kept in the same transaction: after
   * a crash the log says exactly which view is still open, never one already completed.
   * Left as it was when absent.
   */
  openView?: unknown;
}

export interface EventLogOptions extends LogDatabaseOptions {
  clock?: () => number;
  /**
   * Given by the context that appends (the background): the log folds what it appended into
   * the daily aggregates by itself, once appends pause, and at its start.
   */
  fold?: FoldDelay;
}

/** The background's log on the given IndexedDB, usable at once (see `connectLogDatabase`). */
export function connectRecordingLog(factory: IDBFactory, { clock = Date.now, fold, ...options }: EventLogOptions = {}): RecordingLog {
  return createRecordingLog(connectLogDatabase(factory, options), clock, fold);
}

function hostOf(url: string): string {
  return new URL(url).hostname;
}

// A write is complete when its promise resolves (docs/design.md §4). Appends — live capture, on the
// path from a browser event to a durable event — commit "relaxed": the transaction is complete
// once the OS has the data, so a killed worker or a crashed browser loses nothing, and only a
// power cut or an OS crash in the next seconds could (the default of Chromium since 121, of
// Firefox and of Safari). Waiting for the disk's flush as well doubles capture's latency while
// the browser loads a page, past its budget (BENCHMARKS.md, README "Choices").
const APPENDED = { durability: 'relaxed' } as const;

// Everything that changes or removes what is already there — the sync states, the user's
// deletions, retention — waits for the flush: a deletion that comes back after a power cut
// would break the user's trust more than a lost second of browsing.
export const DURABLE = { durability: 'strict' } as const;

export function createRecordingLog(database: LogDatabase, clock: () => number, foldDelay?: FoldDelay): RecordingLog {
  const fold = async () => foldLog(unwrap(await database()));
  const folds = foldDelay ? foldSchedule(fold, foldDelay, clock) : null;
  folds?.soon();
  /**
   * Event id → when it was taken to be sent. Kept here, in the context that both sends and
   * prunes (the background): the cap must not drop what a request carries — delivered, it
   * would count as lost; refused, its reason would be lost (docs/design.md §4).
   */
  const inFlight = new Map<string, number>();
  const isInFlight = (id: string, now: number) => {
    const takenAt = inFlight.get(id);
    if (takenAt === undefined) return false;
    if (now - takenAt < IN_FLIGHT_LEASE_MS) return true;
    inFlight.delete(id);
    return false;
  };

  return {
    async append(events, { openView } = {}) {
      const db = await database();
      const recordedAt = clock();
      // Keyed by id: a batch that repeats an id writes it once, like a retry would.
      const valid = new Map(events.map((event) => validateRecordedEvent(event)).map((e) => [e.id, e]));
      const entries = [...valid.values()].map(
        (event): Omit<StoredLogEntry, 'seq'> => ({ event, state: 'pending', host: hostOf(event.url), recordedAt, attempts: 0 }),
      );
      let written: number;
      try {
        written = await writeEntries(db, entries, openView, { commitEarly: true });
      } catch {
        // Chromium aborts an early-committed transaction on a refused id, whatever the error
        // handler says (as an "UnknownError"): the batch repeats an id the log holds (a
        // re-import, a retry). Nothing was written; again without committing early, a refused
        // id is only skipped, and any other failure is thrown from there.
        written = await writeEntries(db, entries, openView, { commitEarly: false });
      }
      folds?.soon();
      return written;
    },

    async openView() {
      const db = await database();
      return (await db.transaction('capture').store.get(OPEN_VIEW)) ?? null;
    },

    async countState(state) {
      const db = await database();
      return db.transaction('events').store.index('byState').count(stateRange(state));
    },

    async takePending(limit) {
      const db = await database();
      const taken = await db.transaction('events').store.index('byState').getAll(stateRange('pending'), limit);
      const takenAt = clock();
      for (const { event } of taken) inFlight.set(event.id, takenAt);
      return taken;
    },

    async markSent(ids) {
      const db = await database();
      try {
        return await updateById(db, ids, (entry) => (entry.state === 'pending' ? { ...entry, state: 'sent' } : null));
      } finally {
        for (const id of ids) inFlight.delete(id);
      }
    },

    async markRejected(rejections) {
      const db = await database();
      const messages = new Map(rejections.map((r) => [r.id, r.message]));
      try {
        // A record the server already took stays sent.
        return await updateById(db, [...messages.keys()], (entry) =>
          entry.state === 'sent' ? null : { ...entry, state: 'rejected', lastError: messages.get(entry.event.id) },
        );
      } finally {
        for (const id of messages.keys()) inFlight.delete(id);
      }
    },

    async markFailed(ids, message) {
      const db = await database();
      await updateById(db, ids, (entry) =>
        entry.state === 'pending' ? { ...entry, attempts: entry.attempts + 1, lastError: message } : null,
      );
    },

    async prune(policy = DEFAULT_RETENTION, now = clock()) {
      const db = await database();
      const tx = db.transaction(['events', 'counters', PAGE_MONTHS, ...AGGREGATE_STORES], 'readwrite', DURABLE);
      const events = tx.objectStore('events');
      const byState = events.index('byState');
      const expiredBefore = now - policy.keepSentDays * DAY_MS;
      // The aggregates have their own, longer retention: pruned events stay in the totals.
      const summaryDays = policy.keepSummaryDays ?? DEFAULT_SUMMARY_DAYS;
      // What was appended since the last fold first: the events about to go must be counted.
      while (await foldStep(unwrap(tx)));
      const firstKept = dayKey(now - (summaryDays - 1) * DAY_MS);
      await Promise.all([
        pruneAggregatesBefore(tx as unknown as AggregateTransaction, firstKept),
        forgetMonthsThrough(tx.objectStore(PAGE_MONTHS), firstKept),
      ]);

      // Deletes up to `max` records of one state, oldest first; never one in flight.
      const deleteOldest = async (state: EventState, max: number, upTo = Infinity) => {
        let deleted = 0;
        let cursor = await byState.openCursor(stateRange(state, upTo));
        while (cursor && deleted < max) {
          if (state !== 'pending' || !isInFlight(cursor.value.event.id, now)) {
            await cursor.delete();
            deleted++;
          }
          cursor = await cursor.continue();
        }
        return deleted;
      };

      let removed = 0;
      for (const state of ['sent', 'rejected'] as const) {
        removed += await deleteOldest(state, Infinity, expiredBefore);
      }
      let excess = (await events.count()) - policy.maxRecords;
      for (const state of ['sent', 'rejected'] as const) {
        if (excess <= 0) break;
        const deleted = await deleteOldest(state, excess);
        removed += deleted;
        excess -= deleted;
      }
      let dropped = 0;
      if (excess > 0) {
        // Only here are pending events lost, and never silently: they are counted. What is in
        // flight stays, even above the cap, until its answer comes.
        dropped = await deleteOldest('pending', excess);
        const counters = tx.objectStore('counters');
        await counters.put(((await counters.get(DROPPED)) ?? 0) + dropped, DROPPED);
      }
      await tx.done;
      return { removed, dropped };
    },

    async buildAggregatesStep(limit) {
      const db = await database();
      // Relaxed like appends: a step lost to a crash is simply done again (spans are put by
      // key, and the position moves in the same transaction as the totals).
      const tx = db.transaction(['events', 'counters', ...AGGREGATE_STORES], 'readwrite', APPENDED);
      const counters = tx.objectStore('counters');
      const [next, last] = await Promise.all([counters.get(BACKFILL_NEXT), counters.get(BACKFILL_LAST)]);
      if (next === undefined || last === undefined || next > last) {
        await Promise.all([counters.delete(BACKFILL_NEXT), counters.delete(BACKFILL_LAST), tx.done]);
        return 0;
      }
      const upTo = Math.min(last, next + limit - 1);
      const entries = await tx.objectStore('events').getAll(IDBKeyRange.bound(next, upTo));
      const contributions = entries.flatMap((entry) => contributionOf(entry.event, entry.host) ?? []);
      await applyToTotals(unwrap(tx), contributions, 1);
      const done = upTo >= last;
      if (done) {
        void counters.delete(BACKFILL_NEXT);
        void counters.delete(BACKFILL_LAST);
      } else void counters.put(upTo + 1, BACKFILL_NEXT);
      await tx.done;
      return done ? 0 : last - upTo;
    },

    fold,

    close() {
      folds?.stop();
      void database().then((db) => db.close(), () => undefined);
    },
  };
}

/**
 * Adds the entries in one transaction (with capture's open view, when given) and tells how many
 * were written. All adds are asked for at once, with no lookup first — one round trip to the
 * database, not two: the unique byId index refuses an id already there, and the refusal is
 * taken as "skipped" instead of aborting. `commitEarly` commits as soon as everything is asked
 * for, rather than once the answers are back here: one round trip less again. Nothing else is
 * written: the daily aggregates take these events in at the next fold (docs/design.md §4).
 */
async function writeEntries(
  db: IDBPDatabase<LogDB>,
  entries: readonly Omit<StoredLogEntry, 'seq'>[],
  openView: unknown,
  { commitEarly }: { commitEarly: boolean },
): Promise<number> {
  const tx = db.transaction(['events', 'capture'], 'readwrite', APPENDED);
  const capture = tx.objectStore('capture');
  const viewWritten =
    openView === undefined ? null : openView === null ? capture.delete(OPEN_VIEW) : capture.put(openView, OPEN_VIEW);
  const store = unwrap(tx.objectStore('events'));
  let written = 0;
  for (const entry of entries) {
    const request = store.add(entry);
    request.onsuccess = () => written++;
    request.onerror = (failure) => {
      if (request.error?.name !== 'ConstraintError') return;
      failure.preventDefault();
      failure.stopPropagation();
    };
  }
  if (commitEarly) tx.commit();
  try {
    await Promise.all([viewWritten, tx.done]);
  } catch (error) {
    // The request that failed says why better than the abort that followed it.
    throw tx.error ?? error;
  }
  return written;
}

/**
 * Rewrites the records with these event ids in one transaction and tells how many changed;
 * unknown ids (deleted meanwhile) and records `change` leaves alone (null) are not counted.
 */
async function updateById(
  db: IDBPDatabase<LogDB>,
  ids: readonly string[],
  change: (entry: StoredLogEntry) => StoredLogEntry | null,
): Promise<number> {
  const tx = db.transaction('events', 'readwrite', { durability: 'strict' });
  const byId = tx.store.index('byId');
  let changed = 0;
  const updates = ids.map(async (id) => {
    const entry = await byId.get(id);
    const next = entry && change(entry);
    if (!next) return;
    await tx.store.put(next);
    changed++;
  });
  await Promise.all([...updates, tx.done]);
  return changed;
}
