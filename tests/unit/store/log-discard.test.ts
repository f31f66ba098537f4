import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { connectLogDatabase } from '../../../src/store/log-database';
import { checkLogKept } from '../../../src/store/log-discard';
import { LOG_KEPT_SINCE } from '../../../src/settings/stored-items';
import { LOG_DB_NAME } from '../../../src/store/log-schema';

const deleted = (factory: IDBFactory) =>
  new Promise<void>((resolve, reject) => {
    const request = factory.deleteDatabase(LOG_DB_NAME);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });

describe('checkLogKept', () => {
  it('marks a new profile’s log and the same log again as kept', async () => {
    fakeBrowser.reset();
    const local = fakeBrowser.storage.local;
    const database = connectLogDatabase(new IDBFactory());
    expect(await checkLogKept({ database, local, clock: () => 1_000 })).toEqual({ discarded: false });
    expect((await local.get(LOG_KEPT_SINCE.key))[LOG_KEPT_SINCE.key]).toBe(1_000);
    expect(await checkLogKept({ database, local, clock: () => 2_000 })).toEqual({ discarded: false });
    expect((await local.get(LOG_KEPT_SINCE.key))[LOG_KEPT_SINCE.key]).toBe(1_000);
    (await database()).close();
  });

  it('says the log was discarded when the browser made it anew, with when the lost one was first seen', async () => {
    fakeBrowser.reset();
    const local = fakeBrowser.storage.local;
    const factory = new IDBFactory();
    const first = connectLogDatabase(factory);
    await checkLogKept({ database: first, local, clock: () => 1_000 });
    (await first()).close();
    // What Chromium does to a database it finds damaged: deleted, an empty one in its place.
    await deleted(factory);
    const anew = connectLogDatabase(factory);
    expect(await checkLogKept({ database: anew, local, clock: () => 5_000 })).toEqual({ discarded: true, keptSince: 1_000 });
    // Reported once: the new log is the one kept from now on.
    expect(await checkLogKept({ database: anew, local, clock: () => 6_000 })).toEqual({ discarded: false });
    expect((await local.get(LOG_KEPT_SINCE.key))[LOG_KEPT_SINCE.key]).toBe(5_000);
    (await anew()).close();
  });

  it('takes a kept log whose storage.local was cleared as kept, and marks it again', async () => {
    fakeBrowser.reset();
    const local = fakeBrowser.storage.local;
    const database = connectLogDatabase(new IDBFactory());
    await checkLogKept({ database, local, clock: () => 1_000 });
    await local.clear();
    expect(await checkLogKept({ database, local, clock: () => 3_000 })).toEqual({ discarded: false });
    expect((await local.get(LOG_KEPT_SINCE.key))[LOG_KEPT_SINCE.key]).toBe(1_000);
    (await database()).close();
  });
});
