// The local calendar is the machine's: this file runs in Berlin, which has DST.
process.env.TZ = 'Europe/Berlin';
import { describe, expect, it } from 'vitest';
import { addDays, dayKey, dayStart, daysBetween, nextDayStart, splitAtMidnight } from '../../../src/store/local-day';

const HOUR = 3_600_000;
const local = (y: number, m: number, d: number, h = 0, min = 0, s = 0) => new Date(y, m - 1, d, h, min, s).getTime();

describe('local days', () => {
  it('names the local day, not the UTC one', () => {
    // 00:30 in Berlin is still the day before in UTC.
    expect(dayKey(local(2026, 11, 27, 0, 30))).toBe('2026-11-27');
    expect(new Date(local(2026, 11, 27, 0, 30)).toISOString().slice(0, 10)).toBe('2026-11-26');
  });

  it('knows the days of a DST change are 23 and 25 hours long', () => {
    expect(nextDayStart(local(2026, 3, 29, 12)) - dayStart('2026-03-29')).toBe(23 * HOUR);
    expect(nextDayStart(local(2026, 10, 25, 12)) - dayStart('2026-10-25')).toBe(25 * HOUR);
    expect(nextDayStart(local(2026, 11, 27, 12)) - dayStart('2026-11-27')).toBe(24 * HOUR);
  });

  it('counts days across month ends and DST changes', () => {
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-03-28', '2026-03-31')).toEqual(['2026-03-28', '2026-03-29', '2026-03-30', '2026-03-31']);
  });
});

describe('splitAtMidnight', () => {
  it('keeps a view within one day whole', () => {
    expect(splitAtMidnight(local(2026, 11, 27, 10), 300)).toEqual([{ day: '2026-11-27', start: local(2026, 11, 27, 10), seconds: 300 }]);
  });

  it('splits a view over midnight between the two days, in whole seconds that add up', () => {
    const start = local(2026, 11, 26, 23, 59, 30);
    expect(splitAtMidnight(start, 90)).toEqual([
      { day: '2026-11-26', start, seconds: 30 },
      { day: '2026-11-27', start: local(2026, 11, 27), seconds: 60 },
    ]);
  });

  it('follows the length of a DST change day', () => {
    // 25 hours fit into the day the clocks go back …
    expect(splitAtMidnight(local(2026, 10, 25), 25 * 3600 - 1).map((p) => p.day)).toEqual(['2026-10-25']);
    // … and the day they go forward has 23: ten seconds more run into the next day.
    expect(splitAtMidnight(local(2026, 3, 29), 23 * 3600 + 10).map((p) => [p.day, p.seconds])).toEqual([
      ['2026-03-29', 23 * 3600],
      ['2026-03-30', 10],
    ]);
  });

  it('keeps a view of 0 seconds (it still counts as a view)', () => {
    expect(splitAtMidnight(local(2026, 11, 27, 23, 59, 59, ), 0)).toHaveLength(1);
  });
});
