import type { EventState } from '../store/log-entry';
import type { LogItem } from './group-views';

export interface LogRowView {
  seq: number;
  title: string;
  host: string;
  action: string;
  /** "2 min ago", in the reader's locale. */
  when: string;
  /** The exact local time, for the tooltip. */
  exactTime: string;
  /** "3 min 20 s" once the view is complete. */
  duration?: string;
  /** The row's sync mark: rejected if any record was, else pending if any is, else sent. */
  state: EventState;
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

export function formatDuration(seconds: number, locale?: string): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const secs = seconds % 60;
  const unit = (value: number, name: 'hour' | 'minute' | 'second') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'narrow' }).format(value);
  if (hours > 0) return `${unit(hours, 'hour')} ${unit(minutes, 'minute')}`;
  if (minutes > 0) return `${unit(minutes, 'minute')} ${unit(secs, 'second')}`;
  return unit(secs, 'second');
}

function rowState(states: readonly EventState[]): EventState {
  if (states.includes('rejected')) return 'rejected';
  return states.includes('pending') ? 'pending' : 'sent';
}

/** What one row of the popup's log shows. */
export function toLogRow(item: LogItem, nowMs: number, locale?: string): LogRowView {
  const { event } = item;
  const began = Date.parse(event.timestamp);
  const duration = event.params?.duration;
  return {
    seq: item.seq,
    title: event.params?.title || event.url,
    host: item.host,
    action: event.action,
    when: formatRelativeTime(began, nowMs, locale),
    exactTime: new Date(began).toLocaleString(locale),
    ...(duration !== undefined && { duration: formatDuration(duration, locale) }),
    state: rowState(item.states),
  };
}
