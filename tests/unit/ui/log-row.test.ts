import { describe, expect, it } from 'vitest';
import type { StoredLogEntry } from '../../../src/store/log-entry';
import { formatRelativeTime, toLogRow } from '../../../src/ui/log-row';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

function entry(params: StoredLogEntry['event']['params'], ago = 120_000): StoredLogEntry {
  return {
    seq: 7,
    event: {
      id: '0192f1c2-7a10-7cde-8f00-0123456789ab',
      action: 'VIEW',
      timestamp: new Date(NOW - ago).toISOString(),
      url: 'https://example.com/a',
      params,
    },
    state: 'pending',
    host: 'example.com',
    recordedAt: NOW - ago,
    attempts: 0,
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

describe('toLogRow', () => {
  it('shows the title when the page had one, and the URL otherwise', () => {
    expect(toLogRow(entry({ title: 'A page' }), NOW, 'en-US').title).toBe('A page');
    expect(toLogRow(entry(undefined), NOW, 'en-US').title).toBe('https://example.com/a');
    expect(toLogRow(entry({ title: '' }), NOW, 'en-US').title).toBe('https://example.com/a');
  });

  it('carries host, action, state and when', () => {
    expect(toLogRow(entry(undefined), NOW, 'en-US')).toMatchObject({
      seq: 7,
      host: 'example.com',
      action: 'VIEW',
      state: 'pending',
      when: '2 min. ago',
    });
  });
});
