import * as z from 'zod/mini';

/**
 * Whether capture's writes reach the log (docs/design.md §4). Kept in storage.session: it is
 * held in memory, so it can still be written when the disk refuses everything else, and the
 * popup reads it from there.
 */
export const LogHealthSchema = z.object({
  /** A write failed and its events wait for a retry. */
  failing: z._default(z.boolean(), false),
  /** Why, in words (`describeWriteFailure`). */
  reason: z._default(z.nullable(z.string()), null),
  /** Events waiting to be written. */
  waiting: z._default(z.int().check(z.nonnegative()), 0),
  /** Writes that failed in this browser session. */
  failedWrites: z._default(z.int().check(z.nonnegative()), 0),
  /** When the writes began to fail; null while they succeed. */
  since: z._default(z.nullable(z.number()), null),
  /**
   * The browser discarded the log and made an empty one (`log-discard.ts`): when the lost log
   * was first seen. Null when the log is the one kept. Told for the rest of the browser session.
   */
  discardedSince: z._default(z.nullable(z.number()), null),
});
export type LogHealth = z.infer<typeof LogHealthSchema>;

export const LOG_HEALTH_KEY = 'logHealth';

export function parseLogHealth(stored: unknown): LogHealth {
  return LogHealthSchema.safeParse(stored ?? {}).data ?? LogHealthSchema.parse({});
}

/** What the badge's `!` stands for: writes fail, or the browser discarded the log. */
export function logNeedsAttention(health: LogHealth): boolean {
  return health.failing || health.discardedSince !== null;
}

const DISK_FULL = 'The browser refused to store more data (disk full?)';
const NEWER_LOG = 'The log was written by a newer version of the extension';
const KNOWN_CAUSES = new Set([DISK_FULL, NEWER_LOG]);

/** A write failure in words a user can act on, with the browser's own after it. */
export function describeWriteFailure(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  const message = error instanceof Error ? error.message : String(error);
  // Chromium reports a full disk under the log as an UnknownError naming the file error.
  if (/NO_SPACE|ENOSPC|no space left|disk (is )?full/i.test(message)) return DISK_FULL;
  switch (name) {
    case 'QuotaExceededError':
      return DISK_FULL;
    case 'VersionError':
      return NEWER_LOG;
    // What Chromium reports once a full disk has made it close the log (an aborted write, then
    // every reopening failing): not only a full disk can cause it, but it is the likely one.
    case 'AbortError':
    case 'InvalidStateError':
    case 'UnknownError':
      return `The browser could not write to the log: is the disk full? (${message})`;
    default:
      return `Writing to the log failed (${message})`;
  }
}

type SessionArea = { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> };

/** Keeps `LogHealth` in storage.session as capture's writes fail and recover. */
export function logHealthRecorder(session: SessionArea, clock: () => number = Date.now) {
  let writing: Promise<void> = Promise.resolve();
  const update = (change: (health: LogHealth) => LogHealth): Promise<void> =>
    (writing = writing.then(async () => {
      const health = parseLogHealth((await session.get(LOG_HEALTH_KEY))[LOG_HEALTH_KEY]);
      await session.set({ [LOG_HEALTH_KEY]: change(health) });
    }));
  return {
    failing: (error: unknown, waiting: number) =>
      update((health) => ({
        ...health,
        failing: true,
        // A cause once known stays the reason while the failure lasts: a full disk first fails
        // a write, then every reopening of the log with a vaguer error of its own.
        reason: health.failing && health.reason !== null && KNOWN_CAUSES.has(health.reason) ? health.reason : describeWriteFailure(error),
        waiting,
        failedWrites: health.failedWrites + 1,
        since: health.since ?? clock(),
      })),
    recovered: () => update((health) => ({ ...health, failing: false, reason: null, waiting: 0, since: null })),
    /** The browser discarded the log first seen at `keptSince` (`checkLogKept`). */
    discarded: (keptSince: number) => update((health) => ({ ...health, discardedSince: keptSince })),
  };
}
