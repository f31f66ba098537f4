process.env.TZ = 'Europe/Berlin';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { readInsightsData } from '../../../src/insights/insights-read';
import type { RecordedEvent } from '../../../src/model/activity-event';
import { uuidv7 } from '../../../src/model/event-id';
import { openEventLog } from '../../../src/store/event-log';
import { openExistingLog } from '../../../src/store/open-existing-log';

const at = (date: number, hour: number, minute = 0) => new Date(2026, 10, date, hour, minute).getTime();
let factory: IDBFactory;

const view = (url: string, start: number, seconds: number): RecordedEvent => ({
  id: uuidv7(start + seconds * 1000),
  action: 'VIEW',
  timestamp: new Date(start).toISOString(),
  url,
  params: { title: url, duration: seconds },
});
const search = (when: number, query: string): RecordedEvent => ({
  id: uuidv7(when),
  action: 'SEARCH',
  timestamp: new Date(when).toISOString(),
  url: `https://duckduckgo.com/?q=${query}`,
  params: { query },
});

beforeEach(async () => {
  factory = new IDBFactory();
  const log = await openEventLog(factory, { clock: () => at(27, 20) });
  await log.append([
    view('https://a.example/', at(26, 9), 60),
    view('https://b.example/', at(27, 9), 30),
    view('https://a.example/', at(27, 10), 20),
    // Outside the week.
    view('https://c.example/', at(22, 9), 10),
    search(at(26, 8), 'one'),
    search(at(27, 8), 'two'),
    search(at(27, 11), 'three'),
  ]);
  log.close();
});

async function read(first: string, last: string, limit?: number) {
  const db = (await openExistingLog(factory))!;
  try {
    return await readInsightsData(db, { first, last }, limit);
  } finally {
    db.close();
  }
}

describe('readInsightsData', () => {
  it('reads a period\'s site and page days and its searches, newest first', async () => {
    const data = await read('2026-11-23', '2026-11-29');
    expect(data.siteDays.map((day) => `${day.day} ${day.host} ${day.seconds}`).sort()).toEqual([
      '2026-11-26 a.example 60',
      '2026-11-26 duckduckgo.com 0',
      '2026-11-27 a.example 20',
      '2026-11-27 b.example 30',
      '2026-11-27 duckduckgo.com 0',
    ]);
    expect(data.searches.map((s) => s.query)).toEqual(['three', 'two', 'one']);
    expect(data.searchCount).toBe(3);
    // The timeline is read for one day only.
    expect(data.spans).toEqual([]);
    expect(data.stillToBuild).toBe(0);
  });

  it('reads a day\'s views in the order they began, and at most `limit` searches with their count', async () => {
    const data = await read('2026-11-27', '2026-11-27', 1);
    expect(data.spans.map((span) => span.host)).toEqual(['b.example', 'a.example']);
    expect(data.searches.map((s) => s.query)).toEqual(['three']);
    expect(data.searchCount).toBe(2);
  });
});
