import { describe, expect, it } from 'vitest';
import type { LogItem } from '../../../src/ui/group-views';
import { formatDuration, formatExactTime, formatRelativeTime, toLogRow } from '../../../src/ui/log-row';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

function item(params: LogItem['event']['params'], states: LogItem['states'] = ['pending']): LogItem {
  return {
    seq: 7,
    host: 'example.com',
    event: {
      id: '0192f1c2-7a10-7cde-8f00-0123456789ab',
      action: 'VIEW',
      timestamp: new Date(NOW - 120_000).toISOString(),
      url: 'https://example.com/a',
      params,
    },
    states,
    ids: ['0192f1c2-7a10-7cde-8f00-0123456789ab'],
    lastError: 'HTTP 400: title too long',
  };
}

describe('formatRelativeTime', () => {
  it.each([
    [5_000, '5 sec. ago'],
    [120_000, '2 min. ago'],
    [3 * 3_600_000, '3 hr. ago'],
    [86_400_000, 'yesterday'],
  ])('says %i ms ago as "%s"', (ago, expected) => {
    expect(formatRelativeTime(NOW - ago, NOW, 'en-US')).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [200, '3m 20s'],
    [7260, '2h 1m'],
  ])('says %i s as "%s"', (seconds, expected) => {
    expect(formatDuration(seconds, 'en-US')).toBe(expected);
  });
});

describe('formatExactTime', () => {
  it('writes date and time the way the locale does', () => {
    const at = Date.UTC(2026, 10, 27, 12, 0, 0);
    expect(formatExactTime(at, 'en-US')).toMatch(/^11\/27\/26, \d{1,2}:00:00\s?[AP]M$/);
    expect(formatExactTime(at, 'de-DE')).toMatch(/^27\.11\.26, \d{2}:00:00$/);
  });
});

describe('toLogRow', () => {
  it('shows the title when the page had one, and the URL otherwise', () => {
    expect(toLogRow(item({ title: 'A page' }), NOW, 'en-US').title).toBe('A page');
    expect(toLogRow(item(undefined), NOW, 'en-US').title).toBe('https://example.com/a');
    expect(toLogRow(item({ title: '' }), NOW, 'en-US').title).toBe('https://example.com/a');
  });

  it('carries host, action, when, and the duration once known', () => {
    expect(toLogRow(item({ truncated: true }), NOW, 'en-US')).toEqual({
      seq: 7,
      ids: ['0192f1c2-7a10-7cde-8f00-0123456789ab'],
      title: 'https://example.com/a',
      url: 'https://example.com/a',
      host: 'example.com',
      action: 'VIEW',
      when: '2 min. ago',
      exactTime: formatExactTime(NOW - 120_000, 'en-US'),
      isoTime: '2026-11-27T11:58:00.000Z',
      state: 'pending',
    });
    expect(toLogRow(item({ duration: 75 }), NOW, 'en-US').duration).toBe('1m 15s');
  });

  it('formats times and durations in the reader\'s locale', () => {
    const row = toLogRow(item({ duration: 200 }), NOW, 'de-DE');
    expect(row.when).toBe('vor 2 Min.');
    expect(row.duration).toBe('3 Min. 20 Sek.');
  });

  it('marks the row rejected if any record was, else pending if any is, else sent', () => {
    expect(toLogRow(item({}, ['sent', 'rejected']), NOW)).toMatchObject({ state: 'rejected', rejection: 'HTTP 400: title too long' });
    expect(toLogRow(item({}, ['pending']), NOW).rejection).toBeUndefined();
    expect(toLogRow(item({}, ['pending', 'sent']), NOW).state).toBe('pending');
    expect(toLogRow(item({}, ['sent', 'sent']), NOW).state).toBe('sent');
  });
});
