import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../src/model/event-id';
import { createLogBrowsing } from '../../../src/store/log-browsing';
import { connectLogDatabase } from '../../../src/store/log-database';
import { createRecordingLog } from '../../../src/store/recording-log';

const T0 = Date.UTC(2026, 10, 1);
const view = (url: string, at: number) => ({ id: uuidv7(at), action: 'VIEW' as const, timestamp: new Date(at).toISOString(), url });

// Specified in full in event-log.test.ts; here, that the user's part works on its own over the
// database the background writes.
describe('log browsing', () => {
  it('pages, searches, counts and deletes what the recording part wrote', async () => {
    const database = connectLogDatabase(new IDBFactory());
    const recording = createRecordingLog(database, () => T0);
    const browsing = createLogBrowsing(database);
    await recording.append([view('https://a.example/1', T0), view('https://b.example/2', T0 + 1), view('https://a.example/3', T0 + 2)]);
    expect((await browsing.recent(2)).map((entry) => entry.event.url)).toEqual(['https://a.example/3', 'https://b.example/2']);
    const found = await browsing.search((entry) => entry.host === 'a.example', 10);
    expect(found).toMatchObject({ next: null });
    expect(found.entries.map((entry) => entry.event.url)).toEqual(['https://a.example/3', 'https://a.example/1']);
    expect(await browsing.deleteSite('a.example')).toBe(2);
    expect(await browsing.countByState()).toEqual({ pending: 1, sent: 0, rejected: 0 });
    expect(await browsing.droppedCount()).toBe(0);
    await browsing.deleteAll();
    expect(await browsing.recent(10)).toEqual([]);
  });
});
