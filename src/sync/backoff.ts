/** docs/design.md §5: 30 s doubling, capped at 5 min, with full jitter. */
export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_CAP_MS = 5 * 60_000;
/**
 * No wait is shorter than this, whatever the jitter drew or the server said: `Retry-After: 0`
 * or a date already past must not turn a failing server into a retry storm.
 */
export const BACKOFF_FLOOR_MS = 5_000;
/** A server asking for more than a day is taken to mean a day. */
const RETRY_AFTER_CAP_MS = 24 * 3600_000;
/**
 * The longest wait sync ever chooses. A `nextAttemptAt` further away than this was computed
 * under another clock (the system clock was set back) and is not waited for.
 */
export const LONGEST_RETRY_DELAY_MS = Math.max(RETRY_AFTER_CAP_MS, BACKOFF_CAP_MS);

/**
 * The wait before the next try after `failures` failures in a row (1 or more). Full jitter:
 * anywhere between the floor and the exponential bound, so many clients don't come back in
 * lockstep.
 */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  const bound = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.max(BACKOFF_FLOOR_MS, Math.floor(random() * bound));
}

/**
 * The wait after a failure: the backoff, or longer when the server's `Retry-After` asks for
 * more. The server can lengthen the wait, never shorten it below the backoff.
 */
export function nextRetryDelayMs(failures: number, retryAfterMs: number | null, random: () => number = Math.random): number {
  return Math.max(retryDelayMs(failures, random), retryAfterMs ?? 0);
}

/** Whether `nextAttemptAt` is still to be waited for at `now` (a stale one is not). */
export function isWaiting(nextAttemptAt: number | null, now: number): boolean {
  if (nextAttemptAt === null || nextAttemptAt <= now) return false;
  return nextAttemptAt - now <= LONGEST_RETRY_DELAY_MS;
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  let delay: number;
  if (/^\d+$/.test(trimmed)) delay = Number(trimmed) * 1000;
  else {
    // An HTTP date names its day and month (`Wed, 21 Oct 2015 07:28:00 GMT`); V8 would
    // otherwise read strings like "1.5" or "-5" as dates too.
    if (!/[a-z]/i.test(trimmed)) return null;
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return null;
    delay = at - now;
  }
  return Math.min(RETRY_AFTER_CAP_MS, Math.max(0, delay));
}
