import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { folded, readPageDays, readSiteDays } from '../../../src/insights/aggregate-reads';
import { uuidv7 } from '../../../src/model/event-id';
import { openEventLog } from '../../../src/store/event-log';
import { openExistingLog } from '../../../src/store/open-existing-log';

const NOW = Date.UTC(2026, 10, 27, 12);

async function logWithOneView(factory: IDBFactory) {
  const log = await openEventLog(factory, { clock: () => NOW });
  const timestamp = new Date(NOW - 60_000).toISOString();
  await log.append([{ id: uuidv7(NOW), action: 'VIEW', timestamp, url: 'https://a.example/', params: { title: 'A', duration: 42 } }]);
  log.close();
  return (await openExistingLog(factory))!;
}

const readWriteTransactions = (db: IDBDatabase) => {
  const transaction = vi.spyOn(db, 'transaction');
  return () => transaction.mock.calls.filter(([, mode]) => mode === 'readwrite').length;
};

describe('reads of the daily aggregates (docs/design.md §7a)', () => {
  it('reads started at once share one fold of their connection, and each sees its result', async () => {
    const db = await logWithOneView(new IDBFactory());
    const folds = readWriteTransactions(db);
    const [sites, pages] = await Promise.all([readSiteDays(db, '0000-01-01', '9999-12-31'), readPageDays(db, '0000-01-01', '9999-12-31')]);
    expect(folds()).toBe(1);
    expect(sites.map(({ host, seconds }) => [host, seconds])).toEqual([['a.example', 42]]);
    expect(pages.map(({ url, seconds }) => [url, seconds])).toEqual([['https://a.example/', 42]]);
    db.close();
  });

  it('a read after the fold ended folds again (what was appended meanwhile is its to fold)', async () => {
    const db = await logWithOneView(new IDBFactory());
    const folds = readWriteTransactions(db);
    await folded(db);
    await folded(db);
    expect(folds()).toBe(2);
    db.close();
  });
});
