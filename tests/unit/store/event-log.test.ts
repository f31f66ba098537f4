import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidEventError, type RecordedEvent } from '../../../src/model/activity-event';
import { uuidv7 } from '../../../src/model/event-id';
import { connectEventLog, IN_FLIGHT_LEASE_MS, openEventLog, type EventLog } from '../../../src/store/event-log';
import { MIGRATIONS, type Migration } from '../../../src/store/log-schema';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

let factory: IDBFactory;
let now: number;
let log: EventLog;

function view(path: string, at = now): RecordedEvent {
  return {
    id: uuidv7(at),
    action: 'VIEW',
    timestamp: new Date(at).toISOString(),
    url: `https://example.com${path}`,
  };
}

function views(count: number, host = 'example.com'): RecordedEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    ...view(`/${i}`),
    url: `https://${host}/${i}`,
  }));
}

const urls = (entries: { event: RecordedEvent }[]) => entries.map((e) => e.event.url);

beforeEach(async () => {
  factory = new IDBFactory();
  now = T0;
  log = await openEventLog(factory, { clock: () => now });
});

describe('append', () => {
  it('is durable: a log opened again later still has the events', async () => {
    await log.append([view('/a'), view('/b')]);
    log.close();
    const reopened = await openEventLog(factory);
    expect(urls(await reopened.recent(10))).toEqual([
      'https://example.com/b',
      'https://example.com/a',
    ]);
  });

  it('refuses an invalid event, naming the field, and writes nothing of the batch', async () => {
    const bad = { ...view('/bad'), timestamp: 'yesterday' };
    const attempt = log.append([view('/good'), bad]);
    await expect(attempt).rejects.toBeInstanceOf(InvalidEventError);
    await expect(attempt).rejects.toThrow(/timestamp/);
    expect(await log.recent(10)).toEqual([]);
  });

  it('writes an id once, within a batch and across appends', async () => {
    const event = view('/once');
    expect(await log.append([event, event])).toBe(1);
    expect(await log.append([event])).toBe(0);
    expect(await log.recent(10)).toHaveLength(1);
  });

  it('writes the batch, skipping the id it holds, when the early commit is aborted (as Chromium does)', async () => {
    const known = view('/known');
    await log.append([known]);
    // Chromium aborts an early-committed transaction on a refused id, error handler or not.
    const commit = vi.spyOn(IDBTransaction.prototype, 'commit').mockImplementation(function (this: IDBTransaction) {
      this.abort();
    });
    try {
      expect(await log.append([known, view('/new')], { openView: { navId: 7 } })).toBe(1);
    } finally {
      commit.mockRestore();
    }
    expect(urls(await log.recent(10))).toEqual(['https://example.com/new', 'https://example.com/known']);
    expect(await log.openView()).toEqual({ navId: 7 });
  });

  it('keeps the local fields: pending, host, when recorded, no attempts yet', async () => {
    await log.append([view('/a')]);
    const [entry] = await log.recent(1);
    expect(entry).toMatchObject({ state: 'pending', host: 'example.com', recordedAt: T0, attempts: 0 });
  });

  it('loses nothing when many callers append at once', async () => {
    const events = views(500);
    const written = await Promise.all(events.map((event) => log.append([event])));
    expect(written.every((n) => n === 1)).toBe(true);
    const stored = await log.recent(1000);
    expect(new Set(stored.map((e) => e.event.id))).toEqual(new Set(events.map((e) => e.id)));
    expect((await log.countByState()).pending).toBe(500);
  });
});

describe('open view', () => {
  it('keeps capture\'s open view with the events, in the same transaction', async () => {
    expect(await log.openView()).toBeNull();
    await log.append([view('/a')], { openView: { url: 'https://example.com/a', navId: 1 } });
    await log.append([view('/b')]); // without one: left as it was
    expect(await log.openView()).toEqual({ url: 'https://example.com/a', navId: 1 });
    // An invalid event writes nothing of the batch, not the view either.
    const bad = { ...view('/c'), url: 'not a url' };
    await expect(log.append([bad], { openView: { navId: 2 } })).rejects.toThrow();
    expect(await log.openView()).toEqual({ url: 'https://example.com/a', navId: 1 });
    await log.append([], { openView: null });
    expect(await log.openView()).toBeNull();
  });
});

describe('recent', () => {
  it('pages newest first', async () => {
    for (const event of views(7)) await log.append([event]);
    const first = await log.recent(3);
    expect(urls(first)).toEqual(['https://example.com/6', 'https://example.com/5', 'https://example.com/4']);
    const second = await log.recent(3, first.at(-1)!.seq);
    expect(urls(second)).toEqual(['https://example.com/3', 'https://example.com/2', 'https://example.com/1']);
    const last = await log.recent(3, second.at(-1)!.seq);
    expect(urls(last)).toEqual(['https://example.com/0']);
  });
});

describe('search', () => {
  const hasEven = (entry: { event: RecordedEvent }) => Number(entry.event.url.split('/').at(-1)) % 2 === 0;

  it('pages through the matches newest first, across the whole log, with a cursor to go on', async () => {
    await log.append(views(1_234));
    const first = await log.search(hasEven, 3);
    expect(urls(first.entries)).toEqual([
      'https://example.com/1232',
      'https://example.com/1230',
      'https://example.com/1228',
    ]);
    const second = await log.search(hasEven, 3, first.next!);
    expect(urls(second.entries)).toEqual([
      'https://example.com/1226',
      'https://example.com/1224',
      'https://example.com/1222',
    ]);
    // A match far back (the oldest record), past several chunks of non-matches.
    const oldest = await log.search((entry) => entry.event.url.endsWith('/0'), 10);
    expect(urls(oldest.entries)).toEqual(['https://example.com/0']);
    expect(oldest.next).toBeNull();
  });

  it('finds every match exactly once when paging to the end', async () => {
    await log.append(views(1_100));
    const found: string[] = [];
    let next: number | null | undefined;
    do {
      const page = await log.search(hasEven, 97, next ?? undefined);
      found.push(...urls(page.entries));
      next = page.next;
    } while (next !== null);
    expect(found).toHaveLength(550);
    expect(new Set(found).size).toBe(550);
  });

  it('skips holes left by deletes and answers an empty log', async () => {
    expect(await log.search(() => true, 5)).toEqual({ entries: [], next: null });
    await log.append(views(1_000, 'a.example'));
    await log.append(views(3, 'b.example'));
    await log.deleteSite('a.example');
    const page = await log.search(() => true, 5);
    expect(urls(page.entries)).toEqual(['https://b.example/2', 'https://b.example/1', 'https://b.example/0']);
    expect(page.next).toBeNull();
  });
});

describe('sync state', () => {
  it('takes the oldest pending first, up to the limit', async () => {
    for (const event of views(5)) await log.append([event]);
    expect(urls(await log.takePending(2))).toEqual(['https://example.com/0', 'https://example.com/1']);
  });

  it('marks sent and rejected, and counts by state', async () => {
    const [a, b, c, d] = views(4);
    await log.append([a!, b!, c!, d!]);
    now = T0 + 5_000;
    await log.markSent([a!.id, b!.id]);
    await log.markRejected([{ id: c!.id, message: 'params.title: too long' }]);
    expect(await log.countByState()).toEqual({ pending: 1, sent: 2, rejected: 1 });
    expect([await log.countState('pending'), await log.countState('sent'), await log.countState('rejected')]).toEqual([1, 2, 1]);
    expect(urls(await log.takePending(10))).toEqual([d!.url]);
    const entries = await log.recent(10);
    const byUrl = new Map(entries.map((entry) => [entry.event.url, entry]));
    expect(byUrl.get(a!.url)).toMatchObject({ state: 'sent' });
    expect(byUrl.get(c!.url)).toMatchObject({ state: 'rejected', lastError: 'params.title: too long' });
  });

  it('counts failed attempts per pending event, and "Retry rejected" makes rejected events pending again', async () => {
    const [a, b, c] = views(3);
    await log.append([a!, b!, c!]);
    await log.markFailed([a!.id, b!.id], 'HTTP 503: maintenance');
    await log.markFailed([a!.id], 'no answer within 30 s');
    const byUrl = async () => new Map((await log.recent(10)).map((entry) => [entry.event.url, entry]));
    expect((await byUrl()).get(a!.url)).toMatchObject({ state: 'pending', attempts: 2, lastError: 'no answer within 30 s' });
    expect((await byUrl()).get(b!.url)).toMatchObject({ state: 'pending', attempts: 1 });
    await log.markRejected([{ id: a!.id, message: 'HTTP 500 (failed 3 times)' }, { id: c!.id, message: 'HTTP 400: bad' }]);
    expect(await log.retryRejected()).toBe(2);
    expect(await log.countByState()).toEqual({ pending: 3, sent: 0, rejected: 0 });
    const retried = (await byUrl()).get(a!.url)!;
    expect(retried).toMatchObject({ state: 'pending', attempts: 0 });
    expect(retried.lastError).toBeUndefined();
    // In the order they were recorded, as if they had never been rejected.
    expect(urls(await log.takePending(10))).toEqual([a!.url, b!.url, c!.url]);
  });

  it('ignores ids it does not hold', async () => {
    expect(await log.markSent(['0192f1c2-7a10-7cde-8f00-0123456789ab'])).toBe(0);
    expect(await log.countByState()).toEqual({ pending: 0, sent: 0, rejected: 0 });
  });

  it('tells how many records it changed: a record sent already or gone is not counted again', async () => {
    const [a, b, c] = views(3);
    await log.append([a!, b!, c!]);
    expect(await log.markSent([a!.id, b!.id])).toBe(2);
    await log.deleteEvent(c!.id);
    expect(await log.markSent([a!.id, b!.id, c!.id])).toBe(0);
    // The server took it: a later refusal (a retried request) does not undo that.
    expect(await log.markRejected([{ id: a!.id, message: 'duplicate' }])).toBe(0);
    expect(await log.countByState()).toEqual({ pending: 0, sent: 2, rejected: 0 });
  });
});

describe('delete', () => {
  it('deletes one event, one site, or everything', async () => {
    const [one, ...rest] = views(3, 'a.example');
    await log.append([one!, ...rest, ...views(2, 'b.example')]);
    expect(await log.deleteEvent(one!.id)).toBe(true);
    expect(await log.deleteEvent(one!.id)).toBe(false);
    expect(await log.recent(10)).toHaveLength(4);
    expect(await log.deleteSite('a.example')).toBe(2);
    expect((await log.recent(10)).map((e) => e.host)).toEqual(['b.example', 'b.example']);
    await log.deleteAll();
    expect(await log.recent(10)).toEqual([]);
  });
});

describe('prune', () => {
  it('removes sent and rejected events past the retention, never pending ones', async () => {
    const [oldSent, oldRejected, oldPending] = views(3);
    await log.append([oldSent!, oldRejected!, oldPending!]);
    await log.markSent([oldSent!.id]);
    await log.markRejected([{ id: oldRejected!.id, message: 'bad' }]);
    now = T0 + 29 * DAY;
    const [recentSent] = views(1, 'recent.example');
    await log.append([recentSent!]);
    await log.markSent([recentSent!.id]);

    now = T0 + 31 * DAY;
    expect(await log.prune({ keepSentDays: 30, maxRecords: 100 })).toEqual({ removed: 2, dropped: 0 });
    expect(urls(await log.recent(10))).toEqual([recentSent!.url, oldPending!.url]);
  });

  it('caps the log: oldest sent first, then the oldest pending, counted as dropped', async () => {
    const events = views(6);
    for (const event of events) await log.append([event]);
    await log.markSent([events[4]!.id, events[5]!.id]);

    expect(await log.prune({ keepSentDays: 30, maxRecords: 5 })).toEqual({ removed: 1, dropped: 0 });
    expect(await log.droppedCount()).toBe(0);
    expect(await log.prune({ keepSentDays: 30, maxRecords: 2 })).toEqual({ removed: 1, dropped: 2 });
    expect(urls(await log.recent(10))).toEqual([events[3]!.url, events[2]!.url]);
    expect(await log.prune({ keepSentDays: 30, maxRecords: 1 })).toEqual({ removed: 0, dropped: 1 });
    expect(await log.droppedCount()).toBe(3);
  });

  it('never drops what is being sent: the cap takes the next oldest, and counts only what is lost', async () => {
    const events = views(6);
    for (const event of events) await log.append([event]);
    const inFlight = await log.takePending(3);
    expect(await log.prune({ keepSentDays: 30, maxRecords: 2 })).toEqual({ removed: 0, dropped: 3 });
    // Over the cap until the answer comes; then the delivered records are sent, not dropped.
    expect(urls(await log.recent(10))).toEqual(urls(inFlight).reverse());
    expect(await log.markSent(inFlight.map((entry) => entry.event.id))).toBe(3);
    expect(await log.countByState()).toEqual({ pending: 0, sent: 3, rejected: 0 });
    expect(await log.droppedCount()).toBe(3);
  });

  it('frees records taken by a round that never answered, after the lease', async () => {
    const events = views(3);
    for (const event of events) await log.append([event]);
    await log.takePending(3);
    now = T0 + IN_FLIGHT_LEASE_MS;
    expect(await log.prune({ keepSentDays: 30, maxRecords: 1 })).toEqual({ removed: 0, dropped: 2 });
  });
});

describe('durability', () => {
  /** The durability hint of each readwrite transaction the log opens while `work` runs. */
  async function hints(work: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    const original = IDBDatabase.prototype.transaction;
    const spy = vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args) {
      if (args[1] === 'readwrite') seen.push(args[2]?.durability ?? 'default');
      return original.apply(this, args);
    });
    try {
      await work();
    } finally {
      spy.mockRestore();
    }
    return seen;
  }

  it('appends "relaxed": complete once the OS has the data, off the disk flush', async () => {
    expect(await hints(() => log.append([view('/a')]))).toEqual(['relaxed']);
  });

  it('waits for the disk flush when it changes or removes what is there', async () => {
    const [a, b] = views(2);
    await log.append([a!, b!]);
    expect(
      await hints(async () => {
        await log.markSent([a!.id]);
        await log.markRejected([{ id: b!.id, message: 'bad' }]);
        await log.deleteEvent(a!.id);
        await log.deleteSite('example.com');
        await log.deleteAll();
        await log.prune({ keepSentDays: 30, maxRecords: 10 });
      }),
    ).toEqual(Array(6).fill('strict'));
  });
});

describe('schema', () => {
  it('opens an existing version 1 database without losing its records', async () => {
    expect(MIGRATIONS.length).toBeGreaterThanOrEqual(1);
    await log.append([view('/kept')]);
    log.close();
    const request = factory.open('activity-log');
    const db = await new Promise<IDBDatabase>((resolve) => (request.onsuccess = () => resolve(request.result)));
    expect(db.version).toBe(MIGRATIONS.length);
    expect([...db.objectStoreNames]).toEqual(['capture', 'counters', 'events', 'pageDays', 'pageMonths', 'searches', 'siteDays', 'viewSpans']);
    db.close();
    expect(urls(await (await openEventLog(factory)).recent(1))).toEqual(['https://example.com/kept']);
  });

  it('upgrades a version 1 database by running only the steps it missed, keeping its records', async () => {
    await log.append([view('/kept')]);
    log.close();
    const ran: number[] = [];
    const addActionIndex: Migration = (_db, tx) => {
      ran.push(2);
      tx.objectStore('events').createIndex('byAction' as never, 'event.action');
    };
    const upgraded = await openEventLog(factory, { migrations: [...MIGRATIONS, addActionIndex] });
    expect(ran).toEqual([2]);
    expect(urls(await upgraded.recent(1))).toEqual(['https://example.com/kept']);
    upgraded.close();
    const request = factory.open('activity-log');
    const db = await new Promise<IDBDatabase>((resolve) => (request.onsuccess = () => resolve(request.result)));
    expect(db.version).toBe(MIGRATIONS.length + 1);
    expect([...db.transaction('events').objectStore('events').indexNames]).toContain('byAction');
    db.close();
  });
});

describe('opening', () => {
  it('opens again after an open that failed, instead of failing every later call', async () => {
    const flaky = new IDBFactory();
    const open = flaky.open.bind(flaky);
    let failures = 1;
    flaky.open = (...args: Parameters<IDBFactory['open']>) => {
      if (failures-- > 0) throw new DOMException('the disk is busy', 'UnknownError');
      return open(...args);
    };
    const connected = connectEventLog(flaky);
    await expect(connected.append([view('/lost')])).rejects.toThrow('the disk is busy');
    expect(await connected.append([view('/kept')])).toBe(1);
    expect(urls(await connected.recent(10))).toEqual(['https://example.com/kept']);
  });

  it('opens a log a newer version upgraded (a downgrade) as it is, keeping its records', async () => {
    await log.append([view('/kept')]);
    log.close();
    const newer = await openEventLog(factory, { migrations: [...MIGRATIONS, (db) => void db.createObjectStore('later' as never)] });
    newer.close();
    const downgraded = connectEventLog(factory);
    expect(await downgraded.append([view('/after')])).toBe(1);
    expect(urls(await downgraded.recent(10))).toEqual(['https://example.com/after', 'https://example.com/kept']);
  });

});
