// @vitest-environment happy-dom
process.env.TZ = 'Europe/Berlin';
import { describe, expect, it } from 'vitest';
import type { TimelineSegment } from '../../../src/insights/insights-model';
import { dayBarsChart, siteClass, timelineChart, timelineWindow } from '../../../src/ui/insights-charts';

const at = (hour: number, minute = 0) => new Date(2026, 10, 27, hour, minute).getTime();
const segment = (host: string, start: number, end: number): TimelineSegment => ({ host, start, end, seconds: (end - start) / 1000, views: 1, title: host });

describe('the timeline chart', () => {
  it('spans the hours read in, at least three, with a mark every hour', () => {
    expect(timelineWindow('2026-11-27', [segment('a', at(9, 42), at(11, 20))])).toEqual({ start: at(9), end: at(12), step: 3_600_000 });
    expect(timelineWindow('2026-11-27', [segment('a', at(8, 10), at(8, 20)), segment('b', at(19, 5), at(19, 30))])).toEqual({
      start: at(8),
      end: at(20),
      step: 2 * 3_600_000,
    });
    // Late in the day the three hours end at midnight.
    expect(timelineWindow('2026-11-27', [segment('a', at(23, 10), at(23, 20))])).toEqual({ start: at(21), end: new Date(2026, 10, 28).getTime(), step: 3_600_000 });
    expect(timelineWindow('2026-11-27', [])).toEqual({ start: at(0), end: new Date(2026, 10, 28).getTime(), step: 3 * 3_600_000 });
  });

  it('draws a rectangle per stretch in its site\'s colour, with a tooltip, named by the heading', () => {
    const svg = timelineChart(document, {
      day: '2026-11-27',
      segments: [segment('a', at(9), at(9, 30)), segment('z', at(10), at(10, 0) + 2000)],
      hosts: ['a'],
      labelledBy: 'timeline-heading',
      locale: 'en',
      describe: (s) => `${s.host}!`,
    });
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-labelledby')).toBe('timeline-heading');
    const rects = [...svg.querySelectorAll('rect:not(.chart-track)')];
    expect(rects.map((rect) => rect.getAttribute('class'))).toEqual(['site-0', 'site-other']);
    // 9:00–9:30 of a 9:00–12:00 window: the first sixth.
    expect(Number(rects[0]!.getAttribute('width'))).toBeCloseTo(1000 / 6, 1);
    // Two seconds are still drawn.
    expect(Number(rects[1]!.getAttribute('width'))).toBeGreaterThanOrEqual(1.5);
    expect(rects.map((rect) => rect.querySelector('title')!.textContent)).toEqual(['a!', 'z!']);
    expect([...svg.querySelectorAll('text')].map((label) => label.textContent!.replace(/\s/g, ' '))).toEqual(['9 AM', '10 AM', '11 AM']);
  });
});

describe('the bars per day', () => {
  it('stacks the charted sites and the rest, scaled to the tallest day', () => {
    const svg = dayBarsChart(document, {
      bars: [
        { day: '2026-11-23', total: 100, seconds: [60, 30], other: 10 },
        { day: '2026-11-24', total: 0, seconds: [0, 0], other: 0 },
        { day: '2026-11-25', total: 50, seconds: [0, 50], other: 0 },
      ],
      hosts: ['a', 'b'],
      labelledBy: 'days-heading',
      locale: 'en',
      describe: (bar) => bar.day,
      scaleLabel: (seconds) => `${seconds} s`,
    });
    const groups = [...svg.querySelectorAll('g')];
    expect(groups.map((g) => [...g.querySelectorAll('rect')].map((rect) => rect.getAttribute('class')))).toEqual([
      ['site-0', 'site-1', 'site-other'],
      [],
      ['site-1'],
    ]);
    const height = (rect: Element) => Number(rect.getAttribute('height'));
    expect(height(groups[2]!.querySelector('rect')!) * 2).toBeCloseTo([...groups[0]!.querySelectorAll('rect')].reduce((sum, rect) => sum + height(rect), 0), 1);
    expect(groups.map((g) => g.querySelector('text')!.textContent)).toEqual(['23', '24', '25']);
    expect(svg.querySelector(':scope > text')!.textContent).toBe('100 s');
  });

  it('names the colour of a site', () => {
    expect(siteClass('b', ['a', 'b'])).toBe('site-1');
    expect(siteClass('c', ['a', 'b'])).toBe('site-other');
  });
});
