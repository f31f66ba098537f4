import type { EventLog, PruneResult, RetentionPolicy } from './event-log';

export interface RetentionDeps {
  log: Pick<EventLog, 'prune'>;
  /** The retention the user (or the policy) chose, read at each run. */
  policy: () => Promise<RetentionPolicy>;
  /** Told of a run that failed; the next run (the hourly alarm) tries again. */
  onError: (error: unknown) => void;
}

/**
 * One retention run (docs/design.md §4), from the hourly alarm. It never rejects: a prune that
 * fails (the database cannot be opened, a transaction aborts) is reported and changes
 * nothing — every deletion happens in one transaction — and the next run tries again.
 * Resolves to what was pruned, or null when the run failed.
 */
export async function runRetention({ log, policy, onError }: RetentionDeps): Promise<PruneResult | null> {
  try {
    return await log.prune(await policy());
  } catch (error) {
    onError(error);
    return null;
  }
}
