import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { connectLogDatabase, stateRange } from '../../../src/store/log-database';
import { LOG_DB_NAME, MIGRATIONS } from '../../../src/store/log-schema';

// Opening, upgrading and reopening are specified through the whole log in event-log.test.ts
// ("a failed open is not kept", "a downgrade"); here, the accessor itself.
describe('log database', () => {
  it('opens the log at the current version with its stores, once for every caller', async () => {
    const database = connectLogDatabase(new IDBFactory());
    const [first, second] = await Promise.all([database(), database()]);
    expect(first).toBe(second);
    expect(first.name).toBe(LOG_DB_NAME);
    expect(first.version).toBe(MIGRATIONS.length);
    expect([...first.objectStoreNames]).toEqual(expect.arrayContaining(['events', 'counters', 'capture']));
    first.close();
  });

  it('ranges one state of the byState index, up to a moment', () => {
    const range = stateRange('sent', 100);
    expect(range.includes(['sent', 100])).toBe(true);
    expect(range.includes(['sent', 101])).toBe(false);
    expect(range.includes(['pending', 50])).toBe(false);
  });
});
