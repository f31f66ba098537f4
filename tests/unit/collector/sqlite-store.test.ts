import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SQLITE_SCHEMA_VERSION, SqliteEventStore } from '../../../collector/sqlite-store';
import { makeEvent, tempDir } from './helpers';

function openStore(): { store: SqliteEventStore; file: string } {
  const file = join(tempDir(), 'nested', 'dir', 'events.sqlite');
  return { store: new SqliteEventStore(file), file };
}

describe('SqliteEventStore', () => {
  it('creates its directory and file, in WAL mode, at the newest schema version', async () => {
    const { store, file } = openStore();
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('events')").all();
    expect(columns.map((column) => column.name)).toEqual(['seq', 'id', 'action', 'url', 'timestamp', 'received_at', 'event', 'sender', 'host']);
    db.close();
  });

  it('fills the columns from the event and keeps the whole event', async () => {
    const { store, file } = openStore();
    const event = makeEvent({ action: 'SEARCH', url: 'https://Docs.Example.com/x', params: { query: 'q' } });
    store.insertBatch([event], new Date('2026-11-28T00:00:00.000Z'), 'ann');
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT id, sender, action, url, host, timestamp, received_at, event FROM events').get()).toEqual({
      id: event.id,
      sender: 'ann',
      action: 'SEARCH',
      url: event.url,
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
});
