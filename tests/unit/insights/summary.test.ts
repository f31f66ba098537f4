process.env.TZ = 'Europe/Berlin';
import { describe, expect, it } from 'vitest';
import { formatShare, pageTotals, periodEndingToday, siteTotals } from '../../../src/insights/summary';
import type { PageDay, SiteDay } from '../../../src/store/aggregate-records';
import { formatDuration } from '../../../src/ui/log-row';

const site = (day: string, host: string, seconds: number, views = 1, searches = 0): SiteDay => ({ day, host, seconds, views, searches });
const page = (day: string, url: string, title: string, seconds: number): PageDay => ({ day, url, host: new URL(url).hostname, title, seconds, views: 1 });

describe('siteTotals', () => {
  it('sums the days of each site, most time first, with its share of the total', () => {
    const days = [site('2026-11-26', 'b.example', 100), site('2026-11-27', 'a.example', 50), site('2026-11-27', 'b.example', 50, 1, 2)];
    expect(siteTotals(days)).toEqual({
      total: 200,
      sites: [
        { host: 'b.example', seconds: 150, views: 2, searches: 2, share: 0.75 },
        { host: 'a.example', seconds: 50, views: 1, searches: 0, share: 0.25 },
      ],
    });
    expect(siteTotals(days, { first: '2026-11-27', last: '2026-11-27' }).total).toBe(100);
    expect(siteTotals([])).toEqual({ total: 0, sites: [] });
  });

  it('names today and the last 7 days of the local calendar', () => {
    // 00:30 in Berlin on the 27th is still the 26th in UTC.
    const now = new Date(2026, 10, 27, 0, 30).getTime();
    expect(periodEndingToday(1, now)).toEqual({ first: '2026-11-27', last: '2026-11-27' });
    expect(periodEndingToday(7, now)).toEqual({ first: '2026-11-21', last: '2026-11-27' });
  });
});

describe('pageTotals', () => {
  it('sums a page over days with its latest title', () => {
    expect(
      pageTotals([
        page('2026-11-27', 'https://a.example/x', 'New title', 5),
        page('2026-11-26', 'https://a.example/x', 'Old title', 10),
        page('2026-11-26', 'https://a.example/y', 'Y', 20),
      ]),
    ).toEqual([
      { url: 'https://a.example/y', host: 'a.example', title: 'Y', seconds: 20, views: 1 },
      { url: 'https://a.example/x', host: 'a.example', title: 'New title', seconds: 15, views: 2 },
    ]);
  });
});

describe('formatting in two languages', () => {
  it('writes durations and shares as English and German readers expect', () => {
    expect(formatDuration(3 * 3600 + 25 * 60, 'en')).toBe('3h 25m');
    expect(formatDuration(3 * 3600 + 25 * 60, 'de')).toBe('3h 25 Min.');
    expect(formatDuration(65, 'en')).toBe('1m 5s');
    expect(formatDuration(65, 'de')).toBe('1 Min. 5 Sek.');
    expect(formatShare(0.425, 'en')).toBe('43%');
    expect(formatShare(0.425, 'de')).toBe('43\u00a0%');
  });
});
