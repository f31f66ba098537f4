/**
 * When the background folds its appends into the daily aggregates (docs/design.md §4, "The
 * log is the aggregates' journal"): once appends pause for `quietMs`, and at the latest
 * `atMostMs` after the first append not folded yet, so a long burst of browsing still gets
 * its totals folded. The fold's transaction never shares the path from a browser event to its
 * events durable; a pause in the appends is when the database is free.
 */
export interface FoldDelay {
  quietMs: number;
  atMostMs: number;
  /** Told of a fold that failed; the next one adds what it would have. */
  onError: (error: unknown) => void;
}

export interface FoldSchedule {
  /** Something was appended: fold once the appends pause. */
  soon(): void;
  stop(): void;
}

export function foldSchedule(
  fold: () => Promise<void>,
  { quietMs, atMostMs, onError }: FoldDelay,
  clock: () => number = Date.now,
): FoldSchedule {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstAt: number | null = null;
  const run = () => {
    timer = undefined;
    firstAt = null;
    fold().catch(onError);
  };
  return {
    soon() {
      const now = clock();
      firstAt ??= now;
      clearTimeout(timer);
      timer = setTimeout(run, Math.max(0, Math.min(quietMs, firstAt + atMostMs - now)));
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
      firstAt = null;
    },
  };
}
