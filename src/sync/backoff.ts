/** docs/design.md §5: 30 s doubling, capped at 5 min, with full jitter. */
export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_CAP_MS = 5 * 60_000;
/** A server asking for more than a day is taken to mean a day. */
const RETRY_AFTER_CAP_MS = 24 * 3600_000;

/**
 * The wait before the next try after `failures` failures in a row (1 or more). Full jitter:
 * anywhere between 0 and the exponential bound, so many clients don't come back in lockstep.
 */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  const bound = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.floor(random() * bound);
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
