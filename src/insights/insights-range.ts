import { addDays, dayKey, type DayKey } from '../store/local-day';
import type { Period } from './summary';

/**
 * What the Insights page shows (docs/design.md §7a): a day, a calendar week or a calendar
 * month of the local calendar, named by any day in it. Weeks run Monday to Sunday (ISO 8601):
 * the same in every language, so a link means the same week to everyone.
 */
export const RANGE_KINDS = ['day', 'week', 'month'] as const;
export type RangeKind = (typeof RANGE_KINDS)[number];

export interface InsightsRange {
  kind: RangeKind;
  /** A day in the range (the one the reader chose). */
  day: DayKey;
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function parts(day: DayKey): [number, number, number] {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return [year, month, date];
}

/** Whether `day` is a real calendar day written `YYYY-MM-DD`. */
export function isDayKey(day: string): day is DayKey {
  if (!DAY_PATTERN.test(day)) return false;
  const [year, month, date] = parts(day);
  return addDays(`${year}-${String(month).padStart(2, '0')}-01`, date - 1) === day;
}

/** The days a range covers, first and last included. */
export function periodOf({ kind, day }: InsightsRange): Period {
  if (kind === 'day') return { first: day, last: day };
  if (kind === 'week') {
    const [year, month, date] = parts(day);
    // getDay: Sunday 0 … Saturday 6; Monday starts the week.
    const weekday = (new Date(year, month - 1, date, 12).getDay() + 6) % 7;
    const first = addDays(day, -weekday);
    return { first, last: addDays(first, 6) };
  }
  const [year, month] = parts(day);
  const first = `${year}-${String(month).padStart(2, '0')}-01`;
  const daysInMonth = new Date(year, month, 0).getDate();
  return { first, last: addDays(first, daysInMonth - 1) };
}

/** The range before (`step` -1) or after (+1) this one, of the same kind. */
export function shiftRange(range: InsightsRange, step: -1 | 1): InsightsRange {
  const { first, last } = periodOf(range);
  return { kind: range.kind, day: step < 0 ? addDays(first, -1) : addDays(last, 1) };
}

/** Whether the range holds today (there is nothing after it to show yet). */
export function includesToday(range: InsightsRange, nowMs: number): boolean {
  const today = dayKey(nowMs);
  const { first, last } = periodOf(range);
  return first <= today && today <= last;
}

/**
 * The range a page address asks for (`?range=week&day=2026-11-27`); today's day when it asks
 * for nothing or for something that is no range (a hand-edited link shows today, not an error).
 */
export function rangeFromSearch(search: string, nowMs: number): InsightsRange {
  const params = new URLSearchParams(search);
  const kind = params.get('range');
  const day = params.get('day') ?? '';
  return {
    kind: RANGE_KINDS.includes(kind as RangeKind) ? (kind as RangeKind) : 'day',
    day: isDayKey(day) ? day : dayKey(nowMs),
  };
}

/** The address query of a range, so a reload or a bookmark shows the same. */
export function searchOfRange(range: InsightsRange): string {
  return `?${new URLSearchParams({ range: range.kind, day: range.day })}`;
}
