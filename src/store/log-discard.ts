import type { IDBPDatabase } from 'idb';
import type { StoredArea } from '../platform/stored-item';
import { LOG_KEPT_SINCE } from '../settings/stored-items';
import type { LogDatabase } from './log-database';
import { LOG_CREATED, type LogDB } from './log-schema';

export type LogKept = { discarded: false } | { discarded: true; keptSince: number };

/**
 * Tells whether the log is the one kept before. Chromium deletes an IndexedDB database it
 * finds damaged when it opens it and hands out an empty one, without an error: a full disk
 * that tore a write, then a browser restart (killed, or even closed) after the disk had room again, is enough
 * (BENCHMARKS.md "Soak"). Nothing in the log can say it was lost, so storage.local does.
 * A log from before this check, or a profile whose storage.local was cleared, is marked
 * now and counts as kept.
 */
export async function checkLogKept({
  database,
  local,
  clock = Date.now,
}: {
  database: LogDatabase;
  local: StoredArea;
  clock?: () => number;
}): Promise<LogKept> {
  const db = await database();
  // storage.local keeps the log's `LOG_CREATED` too (`LOG_KEPT_SINCE`): the two live in
  // different databases of the browser, so a log that lacks it while storage.local has it was
  // made anew — the browser discarded the one before (docs/design.md §4).
  const [created, keptSince] = await Promise.all([db.transaction('counters').store.get(LOG_CREATED), LOG_KEPT_SINCE.get({ local })]);
  if (created !== undefined) {
    if (keptSince !== created) await LOG_KEPT_SINCE.set({ local }, created);
    return { discarded: false };
  }
  const now = clock();
  // Read and written in one transaction: two workers checking at once agree on one moment.
  // A write that fails (a full disk) marks now, as if it had been written.
  const mark = await markLogCreated(db, now).catch(() => now);
  await LOG_KEPT_SINCE.set({ local }, mark);
  return keptSince !== null ? { discarded: true, keptSince } : { discarded: false };
}

/** The log's `LOG_CREATED`, set to `now` if it has none. */
async function markLogCreated(db: IDBPDatabase<LogDB>, now: number): Promise<number> {
  const tx = db.transaction('counters', 'readwrite');
  let mark = await tx.store.get(LOG_CREATED);
  if (mark === undefined) {
    mark = now;
    void tx.store.add(now, LOG_CREATED);
  }
  await tx.done;
  return mark;
}
