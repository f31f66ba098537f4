import { RecordedEventSchema, type RecordedEvent } from '../model/activity-event';
import type { SiteDay } from '../store/aggregate-records';
import type { StoredLogEntry } from '../store/log-entry';

export const EXPORT_FORMATS = ['json', 'ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  csv: 'text/csv;charset=utf-8',
};

/**
 * The wire events of the log, oldest first. Only what satisfies the wire format
 * (docs/design.md §2) is exported, exactly as it would be sent: an export can be replayed to an endpoint.
 */
function wireEvents(entries: readonly StoredLogEntry[]): RecordedEvent[] {
  return entries.flatMap((entry) => {
    const event = RecordedEventSchema.safeParse(entry.event);
    return event.success ? [event.data] : [];
  });
}

/** `{"events": [...]}`: the body of `POST /rest/api/v1/activity`. */
export function exportJson(entries: readonly StoredLogEntry[]): string {
  return `${JSON.stringify({ events: wireEvents(entries) }, null, 2)}\n`;
}

/** One wire event per line. */
export function exportNdjson(entries: readonly StoredLogEntry[]): string {
  return wireEvents(entries)
    .map((event) => `${JSON.stringify(event)}\n`)
    .join('');
}

export const CSV_COLUMNS = [
  'id',
  'action',
  'timestamp',
  'url',
  'title',
  'duration_seconds',
  'referrer',
  'query',
  'truncated',
  'sync_state',
  'sync_error',
  'recorded_at',
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, with
 * quotes doubled. A title is chosen by whichever page was read, so one that starts like a
 * spreadsheet formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'` and stays text.
 */
export function csvField(value: string | number | boolean | undefined): string {
  let text = value === undefined ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per record, with its sync state; CRLF line ends as RFC 4180 asks. */
export function exportCsv(entries: readonly StoredLogEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const entry of entries) {
    const { event } = entry;
    const params = event.params ?? {};
    lines.push(
      [
        event.id,
        event.action,
        event.timestamp,
        event.url,
        params.title,
        params.duration,
        params.referrer,
        params.query,
        params.truncated,
        entry.state,
        entry.lastError,
        new Date(entry.recordedAt).toISOString(),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function exportLog(format: ExportFormat, entries: readonly StoredLogEntry[]): string {
  switch (format) {
    case 'json':
      return exportJson(entries);
    case 'ndjson':
      return exportNdjson(entries);
    case 'csv':
      return exportCsv(entries);
  }
}

/** `activity-log-2026-11-27T12-00-00.json`: sortable, and valid on every file system. */
export function exportFileName(format: ExportFormat, nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().slice(0, 19).replace(/:/g, '-');
  return `activity-log-${stamp}.${format}`;
}

export const SUMMARY_CSV_COLUMNS = ['day', 'site', 'seconds', 'views'] as const;

/**
 * The daily summary (issue 15): one row per local day and site with its foreground seconds
 * and completed views, oldest day first, then by site; CRLF like `exportCsv`.
 */
export function exportSummaryCsv(days: readonly SiteDay[]): string {
  const rows = [...days]
    .filter((day) => day.seconds > 0 || day.views > 0)
    .sort((a, b) => a.day.localeCompare(b.day) || a.host.localeCompare(b.host))
    .map((day) => [day.day, day.host, day.seconds, day.views].map(csvField).join(','));
  return `${[SUMMARY_CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

/** `activity-summary-2026-11-27T12-00-00.csv`. */
export function summaryFileName(nowMs: number): string {
  return exportFileName('csv', nowMs).replace('activity-log-', 'activity-summary-');
}
