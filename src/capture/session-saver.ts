import type { CaptureState } from '../model/capture-state';

export interface SessionSaver {
  /** Saves `state` soon, in place of any state not saved yet. */
  save(state: CaptureState): void;
  /** Saves what is waiting now; resolves when every save so far is written. */
  flush(): Promise<void>;
  /** Drops what is waiting (a stopped worker loses it the same way). */
  stop(): void;
}

export interface SessionSaverOptions {
  write: (state: CaptureState) => Promise<void>;
  /** Saves once no new state came for this long… */
  quietMs?: number;
  /** …or at the latest this long after the first state not saved. */
  maxDelayMs?: number;
  clock?: () => number;
  onError?: (error: unknown) => void;
}

/**
 * Saves the capture machine's state to storage.session a moment after it changes, once for a
 * burst of signals. A page load brings several signals within a second while the browser is
 * busy; a write for each competed with the next signal's log write (capture latency,
 * BENCHMARKS.md). What a late save can cost is bounded: the open view is durable in the log
 * with its events, and a worker that resumes from an older state takes the log's word for it
 * (`resumeState`). Chrome stops an idle worker only after 30 s, long after the save.
 */
export function sessionSaver({
  write,
  quietMs = 100,
  maxDelayMs = 1_000,
  clock = Date.now,
  onError = console.error,
}: SessionSaverOptions): SessionSaver {
  let waiting: CaptureState | null = null;
  let firstWaitingAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const state = waiting;
    waiting = null;
    if (state) writing = writing.then(() => write(state)).catch(onError);
    return writing;
  }

  return {
    save(state) {
      if (!waiting) firstWaitingAt = clock();
      waiting = state;
      clearTimeout(timer);
      const latest = firstWaitingAt + maxDelayMs - clock();
      timer = setTimeout(() => void flush(), Math.max(0, Math.min(quietMs, latest)));
    },
    flush,
    stop() {
      clearTimeout(timer);
      waiting = null;
    },
  };
}
