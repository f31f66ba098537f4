import { InvalidEventError, type RecordedEvent } from '../model/activity-event';
import type { Backlog, OpenView } from '../model/capture-state';

/** Waits between retries of a failing write; the last one repeats. */
export const RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000] as const;

export interface LogWriterOptions {
  /** Makes the events durable with the open view left after them (one log transaction). */
  record: (events: RecordedEvent[], openView: OpenView | null) => Promise<unknown>;
  /** Stores the backlog (null: none is left) where a restarted worker finds it. */
  keep: (backlog: Backlog | null) => Promise<void>;
  /** A write failed; `waiting` events are kept for the retry. */
  onFailing?: (error: unknown, waiting: number) => void;
  /** Everything kept was written after failures. */
  onRecovered?: () => void;
  onError?: (error: unknown) => void;
  retryDelaysMs?: readonly number[];
}

export interface LogWriter {
  /**
   * Asks for the events to be written now, behind the writes asked before (their transactions
   * start in this order). On the happy path that is all: nothing waits, nothing is copied.
   * After a failure, the events join the backlog and are written with it. `then` runs once
   * they are durable.
   */
  write(events: RecordedEvent[], openView: OpenView | null, then?: () => void): void;
  /** Runs `after` once every write asked for so far is durable or kept in the backlog. */
  afterWrites(after: () => unknown): void;
  /** Resolves when every write asked for so far is durable or kept (never rejects). */
  settled(): Promise<void>;
  /** Takes over a backlog a stopped worker kept, to be written before anything newer. */
  restore(backlog: Backlog): void;
  stop(): void;
}

/**
 * The write chain of capture (docs/design.md §3). Writes are pipelined: each is asked for at
 * once and its outcome looked at in order. A write that fails does not lose its events: they
 * go to a backlog (memory and storage.session), every later write joins it, and the whole
 * backlog is written as one transaction — with the newest open view — at the next write and
 * on a timer (1 s, 2 s, 5 s, 10 s, then every 30 s), until it succeeds.
 *
 * Writes asked for before the failure was known may land before the failed one: the log's
 * order is then not the order of recording, but every event is there once (ids are unique)
 * and carries its own timestamp.
 */
export function logWriter({
  record,
  keep,
  onFailing = () => {},
  onRecovered = () => {},
  onError = console.error,
  retryDelaysMs = RETRY_DELAYS_MS,
}: LogWriterOptions): LogWriter {
  let chain: Promise<void> = Promise.resolve();
  /** Non-null from a failure until the backlog is written and its removal stored. */
  let backlog: { events: RecordedEvent[]; thens: (() => void)[] } | null = null;
  /**
   * The open view after the newest write whose outcome was looked at (written, or kept): what
   * a backlog write leaves open. Not the newest asked for: its events may not be in yet.
   */
  let newestView: OpenView | null = null;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const append = (step: () => unknown) => {
    chain = chain.then(step).then(() => undefined, onError);
  };

  async function keepBacklog(): Promise<void> {
    await keep(backlog && { events: backlog.events, openView: newestView });
  }

  async function failed(error: unknown): Promise<void> {
    failures++;
    onFailing(error, backlog?.events.length ?? 0);
    await keepBacklog();
    if (stopped || timer !== undefined) return;
    const delay = retryDelaysMs[Math.min(failures, retryDelaysMs.length) - 1] ?? 30_000;
    timer = setTimeout(() => {
      timer = undefined;
      append(retry);
    }, delay);
  }

  /** Adds a write's events to the backlog, after those already there. */
  function join(events: RecordedEvent[], then?: () => void): void {
    backlog ??= { events: [], thens: [] };
    backlog.events.push(...events);
    if (then) backlog.thens.push(then);
  }

  async function retry(): Promise<void> {
    if (!backlog || stopped) return;
    const taken = backlog;
    try {
      await record(taken.events, newestView);
    } catch (error) {
      if (error instanceof InvalidEventError) {
        // Not a storage failure and never going to succeed: reported, not retried forever.
        taken.events.length = 0;
        onError(error);
      } else {
        await failed(error);
        return;
      }
    }
    // Written. What joined meanwhile waits in the chain behind this step: nothing did.
    taken.events = [];
    const thens = taken.thens.splice(0);
    clearTimeout(timer);
    timer = undefined;
    failures = 0;
    // The backlog counts as there until its removal is stored, so no write overtakes it.
    await keep(null);
    backlog = null;
    onRecovered();
    for (const then of thens) then();
  }

  return {
    write(events, openView, then) {
      if (backlog) {
        append(async () => {
          newestView = openView;
          join(events, then);
          await retry();
        });
        return;
      }
      // Asked for now, so its transaction is created now, behind the ones before.
      const written = record(events, openView);
      written.catch(() => undefined); // looked at in turn, below
      append(() =>
        written.then(
          () => {
            newestView = openView;
            then?.();
          },
          async (error: unknown) => {
            newestView = openView;
            if (error instanceof InvalidEventError) throw error;
            join(events, then);
            await failed(error);
          },
        ),
      );
    },
    afterWrites(after) {
      append(after);
    },
    async settled() {
      let seen: Promise<void>;
      do {
        seen = chain;
        await seen;
      } while (seen !== chain);
    },
    restore(kept) {
      if (kept.events.length === 0) return;
      newestView = kept.openView;
      join(kept.events);
      append(retry);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
