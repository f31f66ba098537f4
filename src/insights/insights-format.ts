import { dayStart, type DayKey } from '../store/local-day';
import { periodOf, type InsightsRange } from './insights-range';

/**
 * Dates and times of the Insights page in the reader's language (`Intl`; docs/design.md §7a).
 * Durations are `formatDuration` (src/ui/log-row.ts), shares `formatShare` (summary.ts).
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function format(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ''} ${JSON.stringify(options)}`;
  let found = formats.get(key);
  if (!found) formats.set(key, (found = new Intl.DateTimeFormat(locale, options)));
  return found;
}

/** "Friday, November 27, 2026", "November 23 – 29, 2026", "November 2026". */
export function formatRange(range: InsightsRange, locale?: string): string {
  const { first, last } = periodOf(range);
  if (range.kind === 'day') return format(locale, { dateStyle: 'full' }).format(dayStart(first));
  if (range.kind === 'month') return format(locale, { month: 'long', year: 'numeric' }).format(dayStart(first));
  return format(locale, { day: 'numeric', month: 'long', year: 'numeric' }).formatRange(dayStart(first), dayStart(last));
}

/** A day in a table or under a bar: "Fri, Nov 27" (`long`: with the year, for a caption). */
export function formatDay(day: DayKey, locale?: string): string {
  return format(locale, { weekday: 'short', day: 'numeric', month: 'short' }).format(dayStart(day));
}

/** The day of the month alone, under a month's bars: "27". */
export function formatDayOfMonth(day: DayKey, locale?: string): string {
  return format(locale, { day: 'numeric' }).format(dayStart(day));
}

/** A time of day: "9:05 AM", "09:05". */
export function formatClock(epochMs: number, locale?: string): string {
  return format(locale, { hour: 'numeric', minute: '2-digit' }).format(epochMs);
}

/** A time with its date, for searches over a week or a month: "Nov 27, 9:05 AM". */
export function formatDayAndClock(epochMs: number, locale?: string): string {
  return format(locale, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(epochMs);
}

/** A stretch of the day: "9:00 – 10:00 AM", "09:00–10:00". */
export function formatClockRange(startMs: number, endMs: number, locale?: string): string {
  return format(locale, { hour: 'numeric', minute: '2-digit' }).formatRange(startMs, Math.max(startMs, endMs));
}

/** An hour mark on the timeline's axis: "6 AM", "06 Uhr". */
export function formatHour(epochMs: number, locale?: string): string {
  return format(locale, { hour: 'numeric' }).format(epochMs);
}
