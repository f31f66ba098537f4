import type { SiteDay, ViewSpan } from '../store/aggregate-records';
import { dayStart, daysBetween, nextDayStart, type DayKey } from '../store/local-day';
import type { Period } from './summary';

/**
 * What the Insights page draws, computed from the daily aggregates (docs/design.md §7a). Pure:
 * no browser, no clock; the page's cost follows the days and sites shown, never the log.
 */

/** Sites the charts give a colour of their own; the rest are stacked as "other sites". */
export const CHART_SITES = 5;
/** Two views of one site this close together are one stretch of the timeline. */
export const TIMELINE_JOIN_MS = 60_000;

/** One day's bar: the seconds of each charted site (in `hosts` order), then the rest. */
export interface DayBar {
  day: DayKey;
  total: number;
  /** Seconds per charted site, same order as the `hosts` it was made for. */
  seconds: number[];
  other: number;
}

/** The sites with most time in the period, most first: the charts' colours. */
export function chartHosts(sites: readonly { host: string; seconds: number }[], count = CHART_SITES): string[] {
  return sites.filter((site) => site.seconds > 0).slice(0, count).map((site) => site.host);
}

/** A bar per day of the period (days without time too: a gap is part of the picture). */
export function dailyBars(siteDays: readonly SiteDay[], period: Period, hosts: readonly string[]): DayBar[] {
  const bars = new Map<DayKey, DayBar>(
    daysBetween(period.first, period.last).map((day) => [day, { day, total: 0, seconds: hosts.map(() => 0), other: 0 }]),
  );
  for (const siteDay of siteDays) {
    const bar = bars.get(siteDay.day);
    if (!bar) continue;
    const at = hosts.indexOf(siteDay.host);
    if (at >= 0) bar.seconds[at]! += siteDay.seconds;
    else bar.other += siteDay.seconds;
    bar.total += siteDay.seconds;
  }
  return [...bars.values()];
}

/** A stretch of one site in front: views of it one after the other. */
export interface TimelineSegment {
  host: string;
  /** When the first view began. */
  start: number;
  /** When the last view ended (its start plus its foreground seconds). */
  end: number;
  /** Foreground seconds of the views in it. */
  seconds: number;
  views: number;
  /** The title of the page read longest in the stretch. */
  title: string;
}

/**
 * The day's views in the order they began, with consecutive views of one site within
 * `TIMELINE_JOIN_MS` of each other joined into one stretch (a site read page after page is
 * one stretch, as a reader remembers it).
 */
export function timelineSegments(spans: readonly ViewSpan[]): TimelineSegment[] {
  const segments: (TimelineSegment & { longest: number })[] = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const end = span.start + span.seconds * 1000;
    const last = segments.at(-1);
    if (last && last.host === span.host && span.start - last.end <= TIMELINE_JOIN_MS) {
      last.end = Math.max(last.end, end);
      last.seconds += span.seconds;
      last.views += span.views;
      if (span.seconds > last.longest) {
        last.longest = span.seconds;
        last.title = span.title;
      }
      continue;
    }
    segments.push({ host: span.host, start: span.start, end, seconds: span.seconds, views: span.views, title: span.title, longest: span.seconds });
  }
  return segments.map(({ longest: _, ...segment }) => segment);
}

/** One hour of the day: what was in front in it, most first. */
export interface HourRow {
  start: number;
  seconds: number;
  sites: { host: string; seconds: number }[];
}

/**
 * The day hour by hour (a DST day has 23 or 25): each view's foreground seconds laid from its
 * start and cut at the hours it runs across. Hours with nothing in front are left out.
 */
export function hourRows(spans: readonly ViewSpan[], day: DayKey): HourRow[] {
  const hourStarts: number[] = [];
  const end = nextDayStart(dayStart(day));
  for (let at = dayStart(day); at < end; at += 3_600_000) hourStarts.push(at);
  const perHour = hourStarts.map(() => new Map<string, number>());
  for (const span of spans) {
    let at = span.start;
    let left = span.seconds * 1000;
    let hour = Math.max(0, hourStarts.findLastIndex((start) => start <= at));
    while (left > 0 && hour < hourStarts.length) {
      const hourEnd = hourStarts[hour + 1] ?? end;
      const inHour = Math.min(left, hourEnd - at);
      if (inHour > 0) perHour[hour]!.set(span.host, (perHour[hour]!.get(span.host) ?? 0) + inHour);
      left -= inHour;
      at = hourEnd;
      hour++;
    }
  }
  const rows: HourRow[] = [];
  perHour.forEach((hosts, i) => {
    if (hosts.size === 0) return;
    const sites = [...hosts]
      .map(([host, ms]) => ({ host, seconds: Math.round(ms / 1000) }))
      .filter((site) => site.seconds > 0)
      .sort((a, b) => b.seconds - a.seconds || a.host.localeCompare(b.host));
    if (sites.length > 0) rows.push({ start: hourStarts[i]!, seconds: sites.reduce((sum, site) => sum + site.seconds, 0), sites });
  });
  return rows;
}
