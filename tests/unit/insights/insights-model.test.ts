process.env.TZ = 'Europe/Berlin';
import { describe, expect, it } from 'vitest';
import { chartHosts, dailyBars, hourRows, timelineSegments } from '../../../src/insights/insights-model';
import type { SiteDay, ViewSpan } from '../../../src/store/aggregate-records';

const site = (day: string, host: string, seconds: number): SiteDay => ({ day, host, seconds, views: 1, searches: 0 });
const at = (hour: number, minute = 0, second = 0, date = 27) => new Date(2026, 10, date, hour, minute, second).getTime();
let n = 0;
const span = (host: string, start: number, seconds: number, title = `${host} page`, day = '2026-11-27'): ViewSpan => ({
  day,
  id: `id-${n++}`,
  host,
  url: `https://${host}/`,
  title,
  start,
  seconds,
  views: 1,
});

describe('chartHosts and dailyBars', () => {
  it('gives the top sites a colour each and stacks the rest as other, a bar for every day', () => {
    expect(chartHosts([{ host: 'a', seconds: 9 }, { host: 'b', seconds: 5 }, { host: 'c', seconds: 0 }], 5)).toEqual(['a', 'b']);
    expect(chartHosts([{ host: 'a', seconds: 9 }, { host: 'b', seconds: 5 }], 1)).toEqual(['a']);
    const bars = dailyBars(
      [site('2026-11-23', 'a', 60), site('2026-11-23', 'z', 5), site('2026-11-25', 'b', 30), site('2026-11-25', 'a', 10), site('2026-12-01', 'a', 99)],
      { first: '2026-11-23', last: '2026-11-25' },
      ['a', 'b'],
    );
    expect(bars).toEqual([
      { day: '2026-11-23', total: 65, seconds: [60, 0], other: 5 },
      { day: '2026-11-24', total: 0, seconds: [0, 0], other: 0 },
      { day: '2026-11-25', total: 40, seconds: [10, 30], other: 0 },
    ]);
  });
});

describe('timelineSegments', () => {
  it('keeps the order views began in and joins a site read view after view', () => {
    const segments = timelineSegments([
      span('b.example', at(9, 0, 3), 5),
      span('a.example', at(9), 3, 'A one'),
      span('c.example', at(9, 0, 8), 2),
      span('a.example', at(9, 0, 10), 3),
      span('a.example', at(9, 0, 14), 40, 'A two'),
      // Over a minute later: a stretch of its own.
      span('a.example', at(9, 2), 1),
    ]);
    expect(segments.map((s) => [s.host, s.seconds, s.views])).toEqual([
      ['a.example', 3, 1],
      ['b.example', 5, 1],
      ['c.example', 2, 1],
      ['a.example', 43, 2],
      ['a.example', 1, 1],
    ]);
    expect(segments[3]).toMatchObject({ start: at(9, 0, 10), end: at(9, 0, 54), title: 'A two' });
    expect(timelineSegments([])).toEqual([]);
  });
});

describe('hourRows', () => {
  it('cuts a view at the hours it runs across and leaves empty hours out', () => {
    const rows = hourRows([span('a', at(9, 50), 20 * 60), span('b', at(10, 30), 60), span('a', at(14), 30)], '2026-11-27');
    expect(rows).toEqual([
      { start: at(9), seconds: 600, sites: [{ host: 'a', seconds: 600 }] },
      { start: at(10), seconds: 660, sites: [{ host: 'a', seconds: 600 }, { host: 'b', seconds: 60 }] },
      { start: at(14), seconds: 30, sites: [{ host: 'a', seconds: 30 }] },
    ]);
  });

  it('has 25 hours on the day the clocks go back (Berlin, 25 October 2026)', () => {
    // 02:30 CEST and 02:30 CET are an hour apart and both on the 25th.
    const first = new Date('2026-10-25T00:30:00Z').getTime();
    const second = new Date('2026-10-25T01:30:00Z').getTime();
    const late = new Date(2026, 9, 25, 23, 30).getTime();
    const rows = hourRows([span('a', first, 10, 't', '2026-10-25'), span('b', second, 20, 't', '2026-10-25'), span('c', late, 5, 't', '2026-10-25')], '2026-10-25');
    expect(rows.map((row) => [new Date(row.start).toISOString(), row.sites[0]!.host])).toEqual([
      ['2026-10-25T00:00:00.000Z', 'a'],
      ['2026-10-25T01:00:00.000Z', 'b'],
      ['2026-10-25T22:00:00.000Z', 'c'],
    ]);
  });
});
