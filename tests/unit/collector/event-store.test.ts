import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EventStore } from '../../../collector/event-store';
import { makeEvent, tempDir } from './helpers';

function openStore(): { store: EventStore; file: string } {
  const file = join(tempDir(), 'nested', 'dir', 'events.sqlite');
  const store = new EventStore(file);
  return { store, file };
}

describe('EventStore', () => {
  it('creates its directory and file, in WAL mode', () => {
    const { store, file } = openStore();
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('events')").all();
    expect(columns.map((column) => column.name)).toEqual(['seq', 'id', 'action', 'url', 'timestamp', 'received_at', 'event']);
    db.close();
  });

  it('fills the columns from the event and keeps the whole event', () => {
    const { store, file } = openStore();
    const event = makeEvent({ action: 'SEARCH', params: { query: 'q' } });
    store.insertBatch([event], new Date('2026-11-28T00:00:00.000Z'));
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT id, action, url, timestamp, received_at, event FROM events').get()).toEqual({
      id: event.id,
      action: 'SEARCH',
      url: event.url,
      timestamp: event.timestamp,
      received_at: '2026-11-28T00:00:00.000Z',
      event: JSON.stringify(event),
    });
    db.close();
  });

  it('keeps the first of repeated ids, within a batch and across batches', () => {
    const { store } = openStore();
    const a = makeEvent({ params: { title: 'a1' } });
    expect(store.insertBatch([a, { ...a, params: { title: 'a2' } }])).toEqual({ stored: 1, duplicates: 1 });
    expect(store.insertBatch([{ ...a, params: { title: 'a3' } }])).toEqual({ stored: 0, duplicates: 1 });
    expect(store.get(a.id!)?.event.params?.title).toBe('a1');
    expect(store.count()).toBe(1);
    store.close();
  });

  it('keeps every event without an id', () => {
    const { store } = openStore();
    const { id: _id, ...bare } = makeEvent();
    expect(store.insertBatch([bare, bare, bare])).toEqual({ stored: 3, duplicates: 0 });
    expect(store.count()).toBe(3);
    store.close();
  });

  it('pages newest first by arrival', () => {
    const { store } = openStore();
    const events = Array.from({ length: 5 }, () => makeEvent());
    store.insertBatch(events.slice(0, 2));
    store.insertBatch(events.slice(2));

    const first = store.page({ limit: 3 });
    expect(first.events.map((row) => row.event)).toEqual([events[4], events[3], events[2]]);
    expect(first.nextBefore).toBe(3);
    const second = store.page({ limit: 3, before: first.nextBefore! });
    expect(second.events.map((row) => row.event)).toEqual([events[1], events[0]]);
    expect(second.nextBefore).toBeNull();
    // Exactly a full last page still ends the paging.
    expect(store.page({ limit: 5 }).nextBefore).toBeNull();
    store.close();
  });

  it('keeps its content across reopening, and dedup still holds', () => {
    const { store, file } = openStore();
    const event = makeEvent();
    store.insertBatch([event]);
    store.close();

    const reopened = new EventStore(file);
    expect(reopened.all().map((row) => row.event)).toEqual([event]);
    expect(reopened.insertBatch([event])).toEqual({ stored: 0, duplicates: 1 });
    reopened.close();
  });

  it('refuses a file made by a newer collector', () => {
    const { store, file } = openStore();
    store.close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new EventStore(file)).toThrow(/schema version 99/);
  });

  it('stores nothing of a batch whose insert fails midway', () => {
    const { store } = openStore();
    const good = makeEvent();
    // A value SQLite cannot bind fails the second insert; the transaction must undo the first.
    const broken = { ...makeEvent(), url: { not: 'a string' } } as never;
    expect(() => store.insertBatch([good, broken])).toThrow();
    expect(store.count()).toBe(0);
    store.close();
  });

  it('closes twice without complaint', () => {
    const { store } = openStore();
    store.close();
    expect(() => store.close()).not.toThrow();
  });
});
