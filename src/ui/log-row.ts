import type { EventState } from '../store/log-entry';
import type { LogItem } from './group-views';

export interface LogRowView {
  seq: number;
  /** Every event id behind the row (a view's start and completion). */
  ids: string[];
  title: string;
  url: string;
  host: string;
  action: string;
  /** "2 min. ago", in the reader's locale. */
  when: string;
  /** The exact local time, for the tooltip. */
  exactTime: string;
  /** The moment as ISO 8601, for `<time datetime>`. */
  isoTime: string;
  /** "3m 20s" once the view is complete. */
  duration?: string;
  /** The row's sync mark: rejected if any record was, else pending if any is, else sent. */
  state: EventState;
  /** The server's reason when the row is rejected. */
  rejection?: string;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

// Building an Intl formatter costs more than formatting with it; a popup formats hundreds.
const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();
const unitFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function cached<F>(cache: Map<string, F>, key: string, make: () => F): F {
  let format = cache.get(key);
  if (!format) cache.set(key, (format = make()));
  return format;
}

export function formatRelativeTime(thenMs: number, nowMs: number, locale?: string): string {
  const format = cached(
    relativeFormats,
    locale ?? '',
    () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' }),
  );
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
    cached(
      unitFormats,
      `${locale ?? ''} ${name}`,
      () => new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'narrow' }),
    ).format(value);
  if (hours > 0) return `${unit(hours, 'hour')} ${unit(minutes, 'minute')}`;
  if (minutes > 0) return `${unit(minutes, 'minute')} ${unit(secs, 'second')}`;
  return unit(secs, 'second');
}

/** The exact moment in the reader's locale: "11/27/2026, 12:00:00 PM". */
export function formatExactTime(epochMs: number, locale?: string): string {
  return cached(
    dateFormats,
    locale ?? '',
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' }),
  ).format(epochMs);
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
  const state = rowState(item.states);
  return {
    seq: item.seq,
    ids: item.ids,
    title: event.params?.title || event.url,
    url: event.url,
    host: item.host,
    action: event.action,
    when: formatRelativeTime(began, nowMs, locale),
    exactTime: formatExactTime(began, locale),
    isoTime: event.timestamp,
    ...(duration !== undefined && { duration: formatDuration(duration, locale) }),
    state,
    ...(state === 'rejected' && item.lastError !== undefined && { rejection: item.lastError }),
  };
}
