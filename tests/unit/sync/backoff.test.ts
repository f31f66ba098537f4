import { describe, expect, it } from 'vitest';
import { isWaiting, nextRetryDelayMs, parseRetryAfter, retryDelayMs } from '../../../src/sync/backoff';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

describe('retryDelayMs', () => {
  it('is anywhere from the 5 s floor up to 30 s doubling per failure, capped at 5 min', () => {
    expect(retryDelayMs(1, () => 0)).toBe(5_000);
    expect(retryDelayMs(7, () => 0.001)).toBe(5_000);
    expect(retryDelayMs(1, () => 0.9999)).toBe(29_997);
    expect(retryDelayMs(3, () => 0.5)).toBe(60_000);
    expect(retryDelayMs(20, () => 0.5)).toBe(150_000);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    [new Date(NOW + 45_000).toUTCString(), 45_000],
    [new Date(NOW - 45_000).toUTCString(), 0],
    ['99999999', 24 * 3600_000],
  ])('reads %s as %i ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([null, undefined, '', 'soon', '-5', '1.5'])('has no delay for %s', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeNull();
  });
});

describe('nextRetryDelayMs', () => {
  it('takes Retry-After only when it asks for longer than the backoff', () => {
    expect(nextRetryDelayMs(1, 0, () => 0.5)).toBe(15_000);
    expect(nextRetryDelayMs(7, 0, () => 0)).toBe(5_000);
    expect(nextRetryDelayMs(1, 120_000, () => 0.5)).toBe(120_000);
    expect(nextRetryDelayMs(1, null, () => 0.5)).toBe(15_000);
  });
});

describe('isWaiting', () => {
  it('waits for a retry time in the future, unless it is further away than a day (the clock went back)', () => {
    expect(isWaiting(null, NOW)).toBe(false);
    expect(isWaiting(NOW - 1, NOW)).toBe(false);
    expect(isWaiting(NOW + 60_000, NOW)).toBe(true);
    expect(isWaiting(NOW + 24 * 3600_000, NOW)).toBe(true);
    expect(isWaiting(NOW + 24 * 3600_000 + 30_000, NOW)).toBe(false);
  });
});
