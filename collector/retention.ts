import type { EventStore } from './event-store';

/**
 * The collector's notion of time: when a batch arrived and when retention runs. Passed in, so
 * a test can move it on by days without waiting (docs/design.md §9).
 */
export interface CollectorClock {
  now(): number;
  /** Calls `job` every `ms` milliseconds until the returned function is called. */
  every(ms: number, job: () => void): () => void;
}

export const SYSTEM_CLOCK: CollectorClock = {
  now: Date.now,
  every(ms, job) {
    const timer = setInterval(job, ms);
    // Retention alone never keeps the process alive.
    timer.unref();
    return () => clearInterval(timer);
  },
};

export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface Retention {
  /** The round running or last run: how many events it deleted (0 when the database was down). */
  latest(): Promise<number>;
  stop(): void;
}

/**
 * `--keep-days N`: deletes the events received more than N days ago, once at start and then
 * hourly. Every process may run it; deleting what another already deleted is harmless, and a
 * round that fails (the database is down) is simply followed by the next.
 */
export function startRetention(store: EventStore, keepDays: number, clock: CollectorClock = SYSTEM_CLOCK): Retention {
  const keepMs = keepDays * DAY_MS;
  let latest: Promise<number> = Promise.resolve(0);
  let waiting = false;
  const round = (): void => {
    // One round at a time, and at most one waiting behind it: hours that pass during a slow
    // delete are all served by the next round, which takes its cutoff when it starts.
    if (waiting) return;
    waiting = true;
    latest = latest
      .then(() => {
        waiting = false;
        return store.pruneReceivedBefore(new Date(clock.now() - keepMs));
      })
      .catch(() => 0);
  };
  round();
  const stop = clock.every(RETENTION_INTERVAL_MS, round);
  return { latest: () => latest, stop };
}
