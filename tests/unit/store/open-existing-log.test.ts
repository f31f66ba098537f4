import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { newestOf, openExistingLog, resultOf } from '../../../src/store/open-existing-log';

let factory: IDBFactory;

// A log database with a store `items` keyed by `n` (1 … 10); `openExistingLog` wants `events`.
beforeEach(async () => {
  factory = new IDBFactory();
  const open = factory.open('activity-log');
  open.onupgradeneeded = () => {
    open.result.createObjectStore('events', { keyPath: 'seq' });
    open.result.createObjectStore('items', { keyPath: 'n' });
  };
  const db = await resultOf(open);
  const tx = db.transaction('items', 'readwrite');
  for (let n = 1; n <= 10; n++) tx.objectStore('items').put({ n });
  await new Promise((resolve) => (tx.oncomplete = resolve));
  db.close();
});

async function newest(range: IDBKeyRange | null, limit: number): Promise<number[]> {
  const db = (await openExistingLog(factory))!;
  try {
    const found = await newestOf<{ n: number }>(db.transaction('items').objectStore('items'), range, limit);
    return found.map((item) => item.n);
  } finally {
    db.close();
  }
}

/** Runs `read` as a browser without `getAllRecords` (Firefox) does: with the cursor. */
async function withoutGetAllRecords<T>(read: () => Promise<T>): Promise<T> {
  const db = (await openExistingLog(factory))!;
  const proto = Object.getPrototypeOf(db.transaction('items').objectStore('items')) as { getAllRecords?: unknown };
  db.close();
  const saved = proto.getAllRecords;
  expect(typeof saved).toBe('function');
  proto.getAllRecords = undefined;
  try {
    return await read();
  } finally {
    proto.getAllRecords = saved;
  }
}

describe('newestOf', () => {
  it('reads the last records of the store or of a key range, last first', async () => {
    expect(await newest(null, 3)).toEqual([10, 9, 8]);
    expect(await newest(IDBKeyRange.bound(2, 5), 3)).toEqual([5, 4, 3]);
    expect(await newest(IDBKeyRange.bound(2, 5), 10)).toEqual([5, 4, 3, 2]);
  });

  it('reads the same with the reverse cursor where getAllRecords is missing', async () => {
    expect(await withoutGetAllRecords(() => newest(null, 3))).toEqual([10, 9, 8]);
    expect(await withoutGetAllRecords(() => newest(IDBKeyRange.bound(2, 5), 10))).toEqual([5, 4, 3, 2]);
  });
});
