process.env.TZ = 'Europe/Berlin';
import { describe, expect, it } from 'vitest';
import { includesToday, isDayKey, periodOf, rangeFromSearch, searchOfRange, shiftRange } from '../../../src/insights/insights-range';

const NOW = new Date(2026, 10, 27, 10).getTime(); // Friday 27 November 2026

describe('periodOf', () => {
  it('is the day itself, its Monday-to-Sunday week, its calendar month', () => {
    expect(periodOf({ kind: 'day', day: '2026-11-27' })).toEqual({ first: '2026-11-27', last: '2026-11-27' });
    expect(periodOf({ kind: 'week', day: '2026-11-27' })).toEqual({ first: '2026-11-23', last: '2026-11-29' });
    // A Sunday belongs to the week that began the Monday before; a Monday starts one.
    expect(periodOf({ kind: 'week', day: '2026-11-29' })).toEqual({ first: '2026-11-23', last: '2026-11-29' });
    expect(periodOf({ kind: 'week', day: '2026-11-30' })).toEqual({ first: '2026-11-30', last: '2026-12-06' });
    expect(periodOf({ kind: 'month', day: '2026-11-27' })).toEqual({ first: '2026-11-01', last: '2026-11-30' });
    expect(periodOf({ kind: 'month', day: '2028-02-10' })).toEqual({ first: '2028-02-01', last: '2028-02-29' });
  });

  it('counts a week across a DST change as seven days (Berlin, 25 October 2026)', () => {
    expect(periodOf({ kind: 'week', day: '2026-10-25' })).toEqual({ first: '2026-10-19', last: '2026-10-25' });
    expect(periodOf({ kind: 'week', day: '2026-10-26' })).toEqual({ first: '2026-10-26', last: '2026-11-01' });
  });
});

describe('shiftRange', () => {
  it('steps a whole range back or forward, across years', () => {
    expect(shiftRange({ kind: 'day', day: '2026-01-01' }, -1)).toEqual({ kind: 'day', day: '2025-12-31' });
    expect(periodOf(shiftRange({ kind: 'week', day: '2026-11-27' }, 1))).toEqual({ first: '2026-11-30', last: '2026-12-06' });
    expect(periodOf(shiftRange({ kind: 'month', day: '2026-03-31' }, -1))).toEqual({ first: '2026-02-01', last: '2026-02-28' });
    expect(periodOf(shiftRange({ kind: 'month', day: '2026-12-05' }, 1))).toEqual({ first: '2027-01-01', last: '2027-01-31' });
  });
});

describe('the address of a range', () => {
  it('round-trips, and anything else is today', () => {
    const range = { kind: 'week', day: '2026-11-20' } as const;
    expect(rangeFromSearch(searchOfRange(range), NOW)).toEqual(range);
    expect(rangeFromSearch('', NOW)).toEqual({ kind: 'day', day: '2026-11-27' });
    expect(rangeFromSearch('?range=year&day=2026-02-30', NOW)).toEqual({ kind: 'day', day: '2026-11-27' });
    expect(rangeFromSearch('?range=month&day=x', NOW)).toEqual({ kind: 'month', day: '2026-11-27' });
  });

  it('knows a real day', () => {
    expect(isDayKey('2026-02-28')).toBe(true);
    expect(isDayKey('2026-02-29')).toBe(false);
    expect(isDayKey('2026-13-01')).toBe(false);
    expect(isDayKey('26-1-1')).toBe(false);
  });

  it('knows whether today is in it', () => {
    expect(includesToday({ kind: 'week', day: '2026-11-23' }, NOW)).toBe(true);
    expect(includesToday({ kind: 'day', day: '2026-11-26' }, NOW)).toBe(false);
  });
});
