import { AGGREGATE_STORES, applyToTotals, contributionOf } from './daily-aggregates';
import type { StoredLogEntry } from './log-entry';
import { FOLD_VERSION, FOLDED_THROUGH } from './log-schema';
import { resultOf } from './open-existing-log';

/**
 * The fold of the daily aggregates (docs/design.md §4, "The log is the aggregates' journal"):
 * an append writes only its events, and the events past `FOLDED_THROUGH` (by `seq`, the order
 * of recording) are what the totals do not hold yet. A fold adds them to the totals and moves
 * the mark past them in one transaction, so an event is counted once whatever stops where: a
 * fold lost to a crash is simply done again. Plain IndexedDB: the popup and the Insights page
 * fold before they read (they do without `idb`), the background after a burst of appends.
 */

/** The stores a fold's transaction needs: the log it reads, the mark, the aggregates it writes. */
export const FOLD_STORES = ['events', 'counters', ...AGGREGATE_STORES] as const;

/** Events a fold adds per transaction: short enough that an append waiting behind one hardly notices. */
const FOLD_CHUNK = 500;

/**
 * Adds up to `limit` events past the mark to the totals in `tx` (readwrite over `FOLD_STORES`)
 * and moves the mark past them. Resolves to whether more may be left.
 */
export async function foldStep(tx: IDBTransaction, limit = FOLD_CHUNK): Promise<boolean> {
  const counters = tx.objectStore('counters');
  const through = ((await resultOf(counters.get(FOLDED_THROUGH))) as number | undefined) ?? 0;
  const entries = (await resultOf(tx.objectStore('events').getAll(IDBKeyRange.lowerBound(through, true), limit))) as StoredLogEntry[];
  if (entries.length === 0) return false;
  counters.put(entries.at(-1)!.seq, FOLDED_THROUGH);
  await applyToTotals(tx, entries.flatMap((entry) => contributionOf(entry.event, entry.host) ?? []), 1);
  return entries.length === limit;
}

/**
 * Whether a log of `version` whose mark is `through` (as stored: absent is 0) and whose newest
 * event has key `newest` (null: none) holds events not folded yet. Before version 5 the
 * appends counted themselves: nothing is ever to be folded there.
 */
export function leftToFold(version: number, through: unknown, newest: IDBValidKey | null): boolean {
  return version >= FOLD_VERSION && newest !== null && (newest as number) > ((through as number | undefined) ?? 0);
}

/**
 * Folds every event past the mark, a chunk per transaction (durability `relaxed` like the
 * appends: the mark moves with the totals, so a lost fold is done again, never twice).
 */
export async function foldLog(db: IDBDatabase): Promise<void> {
  // Before version 5 the appends counted themselves and there is no mark: a page that opens a
  // log the background has not upgraded yet must not count it all again.
  if (db.version < FOLD_VERSION) return;
  for (;;) {
    const tx = db.transaction([...FOLD_STORES], 'readwrite', { durability: 'relaxed' });
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error ?? new Error('fold aborted'));
    });
    // A step that throws has asked for the mark's move: nothing of it may commit.
    const step = foldStep(tx).catch((error: unknown) => {
      try {
        tx.abort();
      } catch {
        // Already aborted by the request that failed.
      }
      throw error;
    });
    const [more] = await Promise.all([step, done]);
    if (!more) return;
  }
}
