import { describe, expect, it } from 'vitest';
import type { LogItem } from '../../../src/ui/group-views';
import { formatDuration, formatRelativeTime, toLogRow } from '../../../src/ui/log-row';

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

describe('toLogRow', () => {
  it('shows the title when the page had one, and the URL otherwise', () => {
    expect(toLogRow(item({ title: 'A page' }), NOW, 'en-US').title).toBe('A page');
    expect(toLogRow(item(undefined), NOW, 'en-US').title).toBe('https://example.com/a');
    expect(toLogRow(item({ title: '' }), NOW, 'en-US').title).toBe('https://example.com/a');
  });

  it('carries host, action, when, and the duration once known', () => {
    expect(toLogRow(item({ truncated: true }), NOW, 'en-US')).toEqual({
      seq: 7,
      title: 'https://example.com/a',
      host: 'example.com',
      action: 'VIEW',
      when: '2 min. ago',
      exactTime: new Date(NOW - 120_000).toLocaleString('en-US'),
      state: 'pending',
    });
    expect(toLogRow(item({ duration: 75 }), NOW, 'en-US').duration).toBe('1m 15s');
  });

  it('marks the row rejected if any record was, else pending if any is, else sent', () => {
    expect(toLogRow(item({}, ['sent', 'rejected']), NOW).state).toBe('rejected');
    expect(toLogRow(item({}, ['pending', 'sent']), NOW).state).toBe('pending');
    expect(toLogRow(item({}, ['sent', 'sent']), NOW).state).toBe('sent');
  });
});
