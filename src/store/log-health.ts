import { LOG_HEALTH, type LogHealth } from '../settings/stored-items';
import type { StoredArea } from '../platform/stored-item';

/** What the badge's `!` stands for: writes fail, or the browser discarded the log. */
export function logNeedsAttention(health: LogHealth): boolean {
  return health.failing || health.discardedSince !== null;
}

/** A write failure as the cause the popup words (`status-line.ts`), with the browser's own words where they help. */
export function writeFailureCause(error: unknown): { reason: NonNullable<LogHealth['reason']>; detail: string | null } {
  const name = (error as { name?: unknown } | null)?.name;
  const message = error instanceof Error ? error.message : String(error);
  // Chromium reports a full disk under the log as an UnknownError naming the file error.
  if (/NO_SPACE|ENOSPC|no space left|disk (is )?full/i.test(message)) return { reason: 'diskFull', detail: null };
  switch (name) {
    case 'QuotaExceededError':
      return { reason: 'diskFull', detail: null };
    case 'VersionError':
      return { reason: 'newerLog', detail: null };
    // What Chromium reports once a full disk has made it close the log (an aborted write, then
    // every reopening failing): not only a full disk can cause it, but it is the likely one.
    case 'AbortError':
    case 'InvalidStateError':
    case 'UnknownError':
      return { reason: 'unwritable', detail: message };
    default:
      return { reason: 'failed', detail: message };
  }
}

/** Keeps `LogHealth` in storage.session as capture's writes fail and recover. */
export function logHealthRecorder(session: StoredArea, clock: () => number = Date.now) {
  let writing: Promise<void> = Promise.resolve();
  const update = (change: (health: LogHealth) => LogHealth): Promise<void> =>
    (writing = writing.then(async () => LOG_HEALTH.set({ session }, change(await LOG_HEALTH.get({ session })))));
  return {
    failing: (error: unknown, waiting: number) =>
      update((health) => ({
        ...health,
        failing: true,
        // A cause once known stays the reason while the failure lasts: a full disk first fails
        // a write, then every reopening of the log with a vaguer error of its own.
        ...(health.failing && (health.reason === 'diskFull' || health.reason === 'newerLog') ? {} : writeFailureCause(error)),
        waiting,
        failedWrites: health.failedWrites + 1,
        since: health.since ?? clock(),
      })),
    recovered: () => update((health) => ({ ...health, failing: false, reason: null, detail: null, waiting: 0, since: null })),
    /** The browser discarded the log first seen at `keptSince` (`checkLogKept`). */
    discarded: (keptSince: number) => update((health) => ({ ...health, discardedSince: keptSince })),
  };
}
