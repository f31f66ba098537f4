import type { LogDatabase } from './log-database';
import { LOG_CREATED } from './log-schema';

/**
 * storage.local: when this profile's log was first seen (epoch ms), the same moment as the
 * log's own `counters` record `LOG_CREATED`. The two live in different databases of the
 * browser: a log that lacks the record while storage.local has it was made anew — the browser
 * discarded the one before (docs/design.md §4 "A log the browser discards").
 */
export const LOG_KEPT_KEY = 'logKeptSince';

type LocalArea = {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
};

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
  local: LocalArea;
  clock?: () => number;
}): Promise<LogKept> {
  const db = await database();
  const [created, stored] = await Promise.all([db.get('counters', LOG_CREATED), local.get(LOG_KEPT_KEY)]);
  const keptSince = stored[LOG_KEPT_KEY];
  if (created !== undefined) {
    if (keptSince !== created) await local.set({ [LOG_KEPT_KEY]: created });
    return { discarded: false };
  }
  const now = clock();
  // `add`, not `put`: two workers checking at once agree on one moment.
  await db.add('counters', now, LOG_CREATED).catch(() => undefined);
  const mark = (await db.get('counters', LOG_CREATED)) ?? now;
  await local.set({ [LOG_KEPT_KEY]: mark });
  return typeof keptSince === 'number' ? { discarded: true, keptSince } : { discarded: false };
}
