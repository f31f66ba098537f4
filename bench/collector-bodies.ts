// The request bodies the collector benchmarks send: batches of the extension's typical events
// (docs/design.md §2), UUIDv7 ids by default as the extension makes them.
import { randomUUID } from 'node:crypto';
import { uuidv7 } from '../src/model/event-id';

export interface BodyOptions {
  events: number;
  batch: number;
  /** v7 is what the extension sends; v4 (random) ids scatter index writes and cost several times more. */
  ids: 'v7' | 'v4';
}

/** `{"events":[…]}` texts of `batch` events each, `events` in all. */
export function makeBodies({ events: total, batch, ids }: BodyOptions): string[] {
  const newId = ids === 'v4' ? () => randomUUID() : (ms: number) => uuidv7(ms);
  const bodies: string[] = [];
  const start = Date.parse('2026-11-27T08:00:00.000Z');
  for (let offset = 0; offset < total; offset += batch) {
    const events = [];
    for (let i = offset; i < Math.min(offset + batch, total); i++) {
      events.push({
        id: newId(start + i),
        action: i % 10 === 0 ? 'SEARCH' : 'VIEW',
        timestamp: new Date(start + i * 1000).toISOString(),
        url: `https://docs.example.com/space/${i % 500}/page-${i}?tab=overview`,
        params: {
          title: `Page ${i} — an ordinary document title of typical length`,
          referrer: `https://docs.example.com/space/${i % 500}/`,
          ...(i % 2 === 0 ? { truncated: true } : { duration: i % 600 }),
        },
      });
    }
    bodies.push(JSON.stringify({ events }));
  }
  return bodies;
}
