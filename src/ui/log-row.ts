import type { StoredLogEntry } from '../store/log-entry';

export interface LogRowView {
  seq: number;
  title: string;
  host: string;
  action: string;
  /** "2 min ago", in the reader's locale. */
  when: string;
  /** The exact local time, for the tooltip. */
  exactTime: string;
  state: string;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

export function formatRelativeTime(thenMs: number, nowMs: number, locale?: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  const elapsed = thenMs - nowMs;
  for (const [unit, ms] of UNITS) {
    if (Math.abs(elapsed) >= ms || unit === 'second') {
      return format.format(Math.trunc(elapsed / ms), unit);
    }
  }
  return '';
}

/** What one row of the popup's log shows for a stored event. */
export function toLogRow(entry: StoredLogEntry, nowMs: number, locale?: string): LogRowView {
  const { event } = entry;
  const began = Date.parse(event.timestamp);
  return {
    seq: entry.seq,
    title: event.params?.title || event.url,
    host: entry.host,
    action: event.action,
    when: formatRelativeTime(began, nowMs, locale),
    exactTime: new Date(began).toLocaleString(locale),
    state: entry.state,
  };
}
