/**
 * The browser's local calendar, as the person at the screen reads it: a day is `YYYY-MM-DD`
 * of the local time zone, and its length follows the zone's rules (23 or 25 hours on a DST
 * change). No zod and no imports: the popup's first paint uses it.
 */
export type DayKey = string;

const pad = (value: number) => String(value).padStart(2, '0');

/** The local day of a moment: `2026-11-27`. */
export function dayKey(epochMs: number): DayKey {
  const date = new Date(epochMs);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function parts(day: DayKey): [number, number, number] {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return [year, month - 1, date];
}

/** The moment a local day begins (its midnight, or the first moment after a skipped one). */
export function dayStart(day: DayKey): number {
  const [year, month, date] = parts(day);
  return new Date(year, month, date).getTime();
}

/** The moment the local day of `epochMs` ends: the next day's start. */
export function nextDayStart(epochMs: number): number {
  const date = new Date(epochMs);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime();
}

/** The day `count` days after `day` (before it when negative). */
export function addDays(day: DayKey, count: number): DayKey {
  const [year, month, date] = parts(day);
  // Noon: no DST change moves it to another date.
  return dayKey(new Date(year, month, date + count, 12).getTime());
}

/** Every day from `first` to `last`, both included. */
export function daysBetween(first: DayKey, last: DayKey): DayKey[] {
  const days: DayKey[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

/** A part of a stretch of time that lies within one local day. */
export interface DayPiece {
  day: DayKey;
  start: number;
  seconds: number;
}

/**
 * Splits `seconds` of foreground time starting at `startMs` at every local midnight it
 * crosses, in whole seconds that add up to `seconds` (so a delete takes back exactly what was
 * added). The first piece is always there, even for 0 seconds: it is where the view counts.
 */
export function splitAtMidnight(startMs: number, seconds: number): DayPiece[] {
  const pieces: DayPiece[] = [];
  const end = startMs + seconds * 1000;
  let at = startMs;
  let left = seconds;
  for (;;) {
    const next = nextDayStart(at);
    if (end <= next || left <= 0) {
      if (left > 0 || pieces.length === 0) pieces.push({ day: dayKey(at), start: at, seconds: Math.max(0, left) });
      return pieces;
    }
    const inThisDay = Math.min(left, Math.round((next - at) / 1000));
    if (inThisDay > 0 || pieces.length === 0) pieces.push({ day: dayKey(at), start: at, seconds: inThisDay });
    left -= inThisDay;
    at = next;
  }
}
