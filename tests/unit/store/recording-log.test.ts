import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../src/model/event-id';
import { openEventLog } from '../../../src/store/event-log';
import { connectRecordingLog } from '../../../src/store/recording-log';

const T0 = Date.UTC(2026, 10, 1);
const view = (path: string) => ({ id: uuidv7(T0), action: 'VIEW' as const, timestamp: new Date(T0).toISOString(), url: `https://example.com${path}` });

// The log's behaviour is specified in event-log.test.ts (the whole log); this is the part the
// background holds (docs/design.md §1, the lean background).
describe('recording log', () => {
  it('records, hands out pending events and marks them sent, on the same database as the whole log', async () => {
    const factory = new IDBFactory();
    const log = connectRecordingLog(factory, { clock: () => T0 });
    expect(await log.append([view('/a'), view('/b')])).toBe(2);
    const taken = await log.takePending(10);
    expect(taken.map((entry) => entry.event.url)).toEqual(['https://example.com/a', 'https://example.com/b']);
    expect(await log.markSent([taken[0]!.event.id])).toBe(1);
    expect(await log.countState('pending')).toBe(1);
    log.close();
    const whole = await openEventLog(factory);
    expect(await whole.countByState()).toEqual({ pending: 1, sent: 1, rejected: 0 });
  });

  it('has none of the user\'s reads and deletions', () => {
    const log = connectRecordingLog(new IDBFactory());
    for (const method of ['recent', 'search', 'countByState', 'retryRejected', 'deleteEvent', 'deleteSite', 'deleteAll', 'droppedCount']) {
      expect(log).not.toHaveProperty(method);
    }
    log.close();
  });
});
