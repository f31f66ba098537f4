import { describe, expect, it } from 'vitest';
import { ActivityBatchSchema, RecordedEventSchema, type RecordedEvent } from '../../../src/model/activity-event';
import type { StoredLogEntry } from '../../../src/store/log-entry';
import {
  CSV_COLUMNS,
  csvField,
  exportCsv,
  exportFileName,
  exportSummaryCsv,
  summaryFileName,
  exportJson,
  exportLog,
  exportNdjson,
} from '../../../src/ui/export-log';

let seq = 0;
function entry(event: Partial<RecordedEvent>, local: Partial<StoredLogEntry> = {}): StoredLogEntry {
  seq++;
  return {
    seq,
    event: {
      id: `0192f1c2-7a10-7cde-8f00-${String(seq).padStart(12, '0')}`,
      action: 'VIEW',
      timestamp: '2026-11-27T09:00:00.000Z',
      url: `https://example.com/${seq}`,
      ...event,
    },
    state: 'pending',
    host: 'example.com',
    recordedAt: Date.UTC(2026, 10, 27, 9, 0, seq),
    attempts: 0,
    ...local,
  };
}

const hostileTitle = 'Budget, "final" version\nsecond line';
const log = [
  entry({ params: { truncated: true, title: 'Start', referrer: 'https://example.com/' } }),
  entry({ params: { duration: 42, title: hostileTitle } }, { state: 'sent' }),
  entry({ action: 'SEARCH', url: 'https://www.google.com/search?q=a%2Cb', params: { query: 'a,b' } }, { state: 'rejected', lastError: 'HTTP 400: bad, "really"' }),
];

/** A strict RFC 4180 reader, to prove that what we write reads back as written. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  return rows;
}

describe('JSON export', () => {
  it('is the wire format: a request body of valid events, oldest first, without local fields', () => {
    const body = JSON.parse(exportJson(log)) as unknown;
    const batch = ActivityBatchSchema.parse(body);
    expect(batch.events).toEqual(log.map((e) => e.event));
    for (const event of batch.events) expect(RecordedEventSchema.safeParse(event).success).toBe(true);
    expect(JSON.stringify(body)).not.toMatch(/state|recordedAt|lastError|attempts/);
  });

  it('leaves out a stored event the wire format does not allow', () => {
    const broken = entry({ timestamp: 'yesterday' });
    expect(JSON.parse(exportJson([log[0]!, broken])).events).toEqual([log[0]!.event]);
  });
});

describe('NDJSON export', () => {
  it('has one wire event per line', () => {
    const lines = exportNdjson(log).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((line) => RecordedEventSchema.parse(JSON.parse(line)))).toEqual(log.map((e) => e.event));
  });
});

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks so every field reads back as written', () => {
    const rows = parseCsv(exportCsv(log));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(log.length + 1);
    const column = (name: (typeof CSV_COLUMNS)[number]) => rows.slice(1).map((row) => row[CSV_COLUMNS.indexOf(name)]);
    expect(column('title')).toEqual(['Start', hostileTitle, '']);
    expect(column('duration_seconds')).toEqual(['', '42', '']);
    expect(column('query')).toEqual(['', '', 'a,b']);
    expect(column('sync_state')).toEqual(['pending', 'sent', 'rejected']);
    expect(column('sync_error')).toEqual(['', '', 'HTTP 400: bad, "really"']);
    expect(column('id')).toEqual(log.map((e) => e.event.id));
  });

  it('writes each special character the RFC 4180 way', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(undefined)).toBe('');
    expect(csvField(42)).toBe('42');
  });

  it('keeps a title that looks like a spreadsheet formula as text', () => {
    expect(csvField('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
  });
});

describe('exportLog and file names', () => {
  it('picks the format, and names the file by the moment and the format', () => {
    expect(exportLog('csv', log)).toBe(exportCsv(log));
    expect(exportLog('ndjson', log)).toBe(exportNdjson(log));
    expect(exportFileName('ndjson', Date.UTC(2026, 10, 27, 12, 30, 5))).toBe('activity-log-2026-11-27T12-30-05.ndjson');
  });
});

describe('exportSummaryCsv', () => {
  it('writes day, site, seconds and views, oldest day first, one row per day and site', () => {
    const csv = exportSummaryCsv([
      { day: '2026-11-27', host: 'b.example', seconds: 5, views: 1, searches: 0 },
      { day: '2026-11-26', host: 'a.example', seconds: 300, views: 2, searches: 1 },
      { day: '2026-11-27', host: 'a.example', seconds: 60, views: 1, searches: 0 },
      // Searches only: no time, no view — not a row of time spent.
      { day: '2026-11-27', host: 'search.example', seconds: 0, views: 0, searches: 3 },
    ]);
    expect(csv).toBe('day,site,seconds,views\r\n2026-11-26,a.example,300,2\r\n2026-11-27,a.example,60,1\r\n2026-11-27,b.example,5,1\r\n');
    expect(exportSummaryCsv([])).toBe('day,site,seconds,views\r\n');
    expect(summaryFileName(Date.UTC(2026, 10, 27, 12, 30, 5))).toBe('activity-summary-2026-11-27T12-30-05.csv');
  });
});
