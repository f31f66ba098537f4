import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/model/activity-event';
import { bodyOf, fitBatch } from '../../../src/sync/batch';

const event = (i: number, title = ''): RecordedEvent => ({
  id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
  action: 'VIEW',
  timestamp: '2026-11-27T12:00:00.000Z',
  url: `https://example.com/${i}`,
  params: { title },
});

describe('fitBatch', () => {
  it('takes at most maxEvents, oldest first', () => {
    const events = Array.from({ length: 10 }, (_, i) => event(i));
    expect(fitBatch(events, { maxEvents: 4, maxBytes: 1e6 })).toEqual(events.slice(0, 4));
  });

  it('keeps the request body within maxBytes, counting UTF-8 bytes', () => {
    const events = Array.from({ length: 10 }, (_, i) => event(i, 'é'.repeat(100)));
    const batch = fitBatch(events, { maxEvents: 100, maxBytes: 1000 });
    expect(new TextEncoder().encode(bodyOf(batch)).length).toBeLessThanOrEqual(1000);
    expect(new TextEncoder().encode(bodyOf(events.slice(0, batch.length + 1))).length).toBeGreaterThan(1000);
  });

  it('sends an event alone when it is bigger than the limit by itself', () => {
    expect(fitBatch([event(1, 'x'.repeat(5000)), event(2)], { maxEvents: 100, maxBytes: 1000 })).toHaveLength(1);
  });
});
