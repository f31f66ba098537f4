import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { encodeBatch } from '../../../collector/event-store';
import { SQLITE_SCHEMA_VERSION, SqliteEventStore, type SqliteWriterMode } from '../../../collector/sqlite-store';
import { WRITER_STOPPED, type SqliteWriterThread } from '../../../collector/sqlite-writer';
import type { Worker } from 'node:worker_threads';
import type { ActivityEvent } from '../../../src/model/activity-event';
import { makeEvent, tempDir } from './helpers';

function openStore(writer?: SqliteWriterMode): { store: SqliteEventStore; file: string } {
  const file = join(tempDir(), 'nested', 'dir', 'events.sqlite');
  return { store: new SqliteEventStore(file, { writer }), file };
}

describe('SqliteEventStore', () => {
  it('creates its directory and file, in WAL mode, at the newest schema version', async () => {
    const { store, file } = openStore();
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('events')").all();
    expect(columns.map((column) => column.name)).toEqual(['seq', 'id', 'action', 'timestamp', 'received_at', 'event', 'sender', 'host']);
    db.close();
  });

  it('syncs every commit (synchronous=FULL): an answered batch survives a power cut', async () => {
    const { store } = openStore();
    // synchronous is a setting of the connection, so it is read on the store's own.
    const own = (store as unknown as { db: Database.Database }).db;
    expect(own.pragma('synchronous', { simple: true })).toBe(2);
    await store.close();
  });

  it('fills the columns from the event and keeps the whole event', async () => {
    const { store, file } = openStore();
    const event = makeEvent({ action: 'SEARCH', url: 'https://Docs.Example.com/x', params: { query: 'q' } });
    store.insertBatch([event], new Date('2026-11-28T00:00:00.000Z'), 'ann');
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT id, sender, action, host, timestamp, received_at, event FROM events').get()).toEqual({
      id: event.id,
      sender: 'ann',
      action: 'SEARCH',
      host: 'docs.example.com',
      timestamp: event.timestamp,
      received_at: '2026-11-28T00:00:00.000Z',
      event: JSON.stringify(event),
    });
    db.close();
  });

  it('migrates a file of the single-user collector (version 1), keeping its events', async () => {
    const file = join(tempDir(), 'old.sqlite');
    const old = new Database(file);
    old.exec(`CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, action TEXT NOT NULL,
      url TEXT NOT NULL, timestamp TEXT NOT NULL, received_at TEXT NOT NULL, event TEXT NOT NULL)`);
    const event = makeEvent({ url: 'https://old.example/page' });
    old.prepare('INSERT INTO events (id, action, url, timestamp, received_at, event) VALUES (?, ?, ?, ?, ?, ?)').run(
      event.id, event.action, event.url, event.timestamp, '2026-01-01T00:00:00.000Z', JSON.stringify(event),
    );
    old.pragma('user_version = 1');
    old.close();

    const store = new SqliteEventStore(file);
    expect(store.all()).toEqual([{ seq: 1, receivedAt: '2026-01-01T00:00:00.000Z', user: null, event }]);
    expect(store.page({ limit: 5, host: 'old.example' }).events).toHaveLength(1);
    expect(store.insertBatch([event])).toEqual({ stored: 0, duplicates: 1 });
    await store.close();
  });

  it('refuses a file made by a newer collector', async () => {
    const { store, file } = openStore();
    await store.close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteEventStore(file)).toThrow(/schema version 99/);
  });

  it('stores a batch larger than one multi-row statement, first-wins across its chunks', async () => {
    const { store } = openStore();
    const events = Array.from({ length: 250 }, () => makeEvent());
    const again = { ...events[10]!, params: { title: 'later' } };
    expect(store.insertBatch([...events, again])).toEqual({ stored: 250, duplicates: 1 });
    expect(store.get(events[10]!.id!)?.event.params?.title).toBe(events[10]!.params!.title);
    expect(store.all().map((row) => row.event.id)).toEqual(events.map((event) => event.id));
    await store.close();
  });

  it('appends through a writer thread for a file, and on its own thread for :memory:', async () => {
    const { store } = openStore();
    expect(store.writerMode).toBe('thread');
    const memory = new SqliteEventStore(':memory:');
    expect(memory.writerMode).toBe('inline');
    await memory.close();
    await store.close();
  });

  it('fails what a stopped writer thread had not answered as retryable, and starts a new thread for the next batch', async () => {
    const { store } = openStore('thread');
    const first = makeEvent();
    expect(await store.appendEncoded(encodeBatch([first]), 'ann')).toEqual({ stored: 1, duplicates: 0 });
    const thread = (store as unknown as { writerThread: SqliteWriterThread }).writerThread;
    const worker = (thread as unknown as { worker: Worker }).worker;
    // Handed over, then the thread is stopped before it can answer.
    const lost = store.appendEncoded(encodeBatch([makeEvent()]), 'ann');
    await worker.terminate();
    await expect(lost).rejects.toMatchObject({ code: WRITER_STOPPED });
    const later = makeEvent();
    expect(await store.appendEncoded(encodeBatch([later]), 'ann')).toEqual({ stored: 1, duplicates: 0 });
    expect(store.get(later.id!)).toMatchObject({ user: 'ann' });
    expect(store.count()).toBe(2);
    await store.close();
  });

  it('pings its writer thread too: one that cannot open the file fails the check as retryable', async () => {
    const { store, file } = openStore('thread');
    await store.ping();
    const thread = (store as unknown as { writerThread: SqliteWriterThread }).writerThread;
    await (thread as unknown as { worker: Worker }).worker.terminate();
    // The file's folder goes away under the running store: its own connection still answers,
    // and the next writer thread cannot open the file.
    rmSync(dirname(file), { recursive: true });
    await expect(store.ping()).rejects.toMatchObject({ code: WRITER_STOPPED, message: expect.stringMatching(/writer thread stopped: .*directory does not exist/) });
    await store.close();
  });

  describe.each(['thread', 'inline'] as const)('group commit of appendEncoded (%s writer)', (writer) => {
    /** Ids committed, read by a connection of its own: what another process would see. */
    function committedIds(file: string): string[] {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare<[], { id: string }>('SELECT id FROM events ORDER BY seq').all().map((row) => row.id);
      } finally {
        db.close();
      }
    }

    it('commits the batches handed over in one turn of the event loop together, each answered after the commit', async () => {
      const { store, file } = openStore(writer);
      const batches = Array.from({ length: 8 }, () => Array.from({ length: 100 }, () => makeEvent()));
      const seenAtAnswer: number[] = [];
      const answers = batches.map((events) =>
        store.appendEncoded(encodeBatch(events), 'ann').then((result) => {
          seenAtAnswer.push(committedIds(file).length);
          return result;
        }),
      );
      // Handed over, not yet committed: nothing is visible to another connection.
      expect(committedIds(file)).toEqual([]);
      expect(await Promise.all(answers)).toEqual(batches.map(() => ({ stored: 100, duplicates: 0 })));
      // Every answer came after the one commit of all eight.
      expect(seenAtAnswer).toEqual(batches.map(() => 800));
      expect(store.groupStats).toEqual({ commits: 1, batches: 8 });
      expect(committedIds(file)).toEqual(batches.flat().map((event) => event.id));
      await store.close();
    });

    it('keeps first-wins across the batches of one commit', async () => {
      const { store } = openStore(writer);
      const first = [makeEvent(), makeEvent()];
      const second = [{ ...first[1]!, params: { title: 'later' } }, makeEvent()];
      const results = await Promise.all([store.appendEncoded(encodeBatch(first), 'ann'), store.appendEncoded(encodeBatch(second), 'bob')]);
      expect(results).toEqual([{ stored: 2, duplicates: 0 }, { stored: 1, duplicates: 1 }]);
      expect(store.get(first[1]!.id!)).toMatchObject({ user: 'ann', event: first[1] });
      expect(store.groupStats.commits).toBe(1);
      await store.close();
    });

    it('rolls back a failing batch alone: all of it, and the others of its commit are stored', async () => {
      const { store, file } = openStore(writer);
      const before = Array.from({ length: 50 }, () => makeEvent());
      // 150 events: the first statement of 100 rows succeeds, the second fails (action NOT NULL).
      const failing: ActivityEvent[] = Array.from({ length: 150 }, () => makeEvent());
      failing[120] = { ...failing[120]!, action: null as unknown as ActivityEvent['action'] };
      const after = Array.from({ length: 50 }, () => makeEvent());
      const outcomes = await Promise.allSettled([
        store.appendEncoded(encodeBatch(before), 'ann'),
        store.appendEncoded(encodeBatch(failing), 'ann'),
        store.appendEncoded(encodeBatch(after), 'ann'),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/NOT NULL/);
      expect(store.groupStats).toEqual({ commits: 1, batches: 3 });
      expect(committedIds(file)).toEqual([...before, ...after].map((event) => event.id));
      await store.close();
    });

    it('splits a large backlog into commits of at most 5,000 events, never splitting a batch', async () => {
      const { store } = openStore(writer);
      // 3 × 1,500 fit in one commit, a fourth would not.
      const batches = Array.from({ length: 6 }, () => Array.from({ length: 1500 }, () => makeEvent()));
      await Promise.all(batches.map((events) => store.appendEncoded(encodeBatch(events), 'ann')));
      expect(store.groupStats).toEqual({ commits: 2, batches: 6 });
      expect(store.count()).toBe(9000);
      await store.close();
    }, 30_000);

    it('commits what was handed over before closing', async () => {
      const { store, file } = openStore(writer);
      const events = [makeEvent(), makeEvent()];
      const answer = store.appendEncoded(encodeBatch(events), 'ann');
      await store.close();
      expect(await answer).toEqual({ stored: 2, duplicates: 0 });
      expect(committedIds(file)).toEqual(events.map((event) => event.id));
      await expect(store.appendEncoded(encodeBatch([makeEvent()]), 'ann')).rejects.toThrow(/closed/);
    });
  });
});
