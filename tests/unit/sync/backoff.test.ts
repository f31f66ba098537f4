import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelayMs } from '../../../src/sync/backoff';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

describe('retryDelayMs', () => {
  it('is anywhere from 0 up to 30 s doubling per failure, capped at 5 min', () => {
    expect(retryDelayMs(1, () => 0)).toBe(0);
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
