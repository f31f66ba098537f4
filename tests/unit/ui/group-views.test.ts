import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/model/activity-event';
import type { StoredLogEntry } from '../../../src/store/log-entry';
import { groupViews } from '../../../src/ui/group-views';

let seq = 0;
function entry(event: Omit<RecordedEvent, 'id'>, state: StoredLogEntry['state'] = 'pending'): StoredLogEntry {
  seq++;
  return {
    seq,
    event: { id: `00000000-0000-7000-8000-${String(seq).padStart(12, '0')}`, ...event },
    state,
    host: new URL(event.url).hostname,
    recordedAt: seq,
    attempts: 0,
  };
}

const T = '2026-11-27T09:00:00.000Z';
const T2 = '2026-11-27T09:05:00.000Z';

describe('groupViews', () => {
  it("shows a view's start and completion as one row with the completion's params", () => {
    const start = entry({ action: 'VIEW', timestamp: T, url: 'https://a.example/', params: { truncated: true, title: 'Loading' } }, 'sent');
    const done = entry({ action: 'VIEW', timestamp: T, url: 'https://a.example/', params: { duration: 42, title: 'Final' } });
    const items = groupViews([done, start]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      seq: done.seq,
      event: { url: 'https://a.example/', params: { duration: 42, title: 'Final' } },
      states: ['pending', 'sent'],
      ids: [done.event.id, start.event.id],
    });
    expect(items[0]!.event.params).not.toHaveProperty('truncated');
  });

  it('keeps the title of the start when the completion has none', () => {
    const start = entry({ action: 'VIEW', timestamp: T, url: 'https://a.example/', params: { truncated: true, title: 'Only title' } });
    const done = entry({ action: 'VIEW', timestamp: T, url: 'https://a.example/', params: { duration: 3 } });
    expect(groupViews([done, start])[0]!.event.params).toEqual({ duration: 3, title: 'Only title' });
  });

  it('keeps separate views of the same page, searches, and the newest-first order', () => {
    const firstView = entry({ action: 'VIEW', timestamp: T, url: 'https://a.example/', params: { truncated: true } });
    const search = entry({ action: 'SEARCH', timestamp: T2, url: 'https://www.google.com/search?q=x', params: { query: 'x' } });
    const secondView = entry({ action: 'VIEW', timestamp: T2, url: 'https://a.example/', params: { truncated: true } });
    const items = groupViews([secondView, search, firstView]);
    expect(items.map((i) => [i.event.action, i.event.timestamp])).toEqual([
      ['VIEW', T2],
      ['SEARCH', T2],
      ['VIEW', T],
    ]);
  });
});
