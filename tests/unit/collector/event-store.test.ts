import { expect, it } from 'vitest';
import type { EventStore } from '../../../collector/event-store';
import { openStore } from '../../../collector/start';
import { describeEngines, makeEvent, newDatabase } from './helpers';
import { onTestFinished } from 'vitest';

/** A fresh store of the block's engine, closed after the test. */
async function useStore(database?: string): Promise<{ store: EventStore; database: string }> {
  const where = database ?? (await newDatabase());
  const store = await openStore(where);
  onTestFinished(() => store.close());
  return { store, database: where };
}

describeEngines('EventStore', () => {
  it('keeps the first of repeated ids, within a batch and across batches', async () => {
    const { store } = await useStore();
    const a = makeEvent({ params: { title: 'a1' } });
    expect(await store.appendBatch([a, { ...a, params: { title: 'a2' } }], 'ann')).toEqual({ stored: 1, duplicates: 1 });
    expect(await store.appendBatch([{ ...a, params: { title: 'a3' } }], 'bob')).toEqual({ stored: 0, duplicates: 1 });
    const kept = await store.findEvent(a.id!);
    expect(kept?.event.params?.title).toBe('a1');
    expect(kept?.user).toBe('ann');
    expect(await store.countEvents()).toBe(1);
  });

  it('keeps every event without an id', async () => {
    const { store } = await useStore();
    const { id: _id, ...bare } = makeEvent();
    expect(await store.appendBatch([bare, bare, bare], 'ann')).toEqual({ stored: 3, duplicates: 0 });
    expect(await store.countEvents()).toBe(3);
  });

  it('keeps each event exactly as sent, with its arrival time and sender', async () => {
    const { store } = await useStore();
    const sent = { url: 'https://例え.jp/パス?q=ü', timestamp: '2026-11-27T17:24:19.123Z', params: { title: '🚀' }, action: 'VIEW', id: 'k1' } as const;
    await store.appendBatch([sent], 'ann', new Date('2026-11-28T00:00:00.000Z'));
    const [row] = await store.listEvents();
    expect(JSON.stringify(row?.event)).toBe(JSON.stringify(sent));
    expect(row).toMatchObject({ seq: 1, receivedAt: '2026-11-28T00:00:00.000Z', user: 'ann' });
  });

  it('pages newest first by arrival', async () => {
    const { store } = await useStore();
    const events = Array.from({ length: 5 }, () => makeEvent());
    await store.appendBatch(events.slice(0, 2), 'ann');
    await store.appendBatch(events.slice(2), 'ann');

    const first = await store.readPage({ limit: 3 });
    expect(first.events.map((row) => row.event)).toEqual([events[4], events[3], events[2]]);
    expect(first.nextBefore).toBe(first.events[2]!.seq);
    const second = await store.readPage({ limit: 3, before: first.nextBefore! });
    expect(second.events.map((row) => row.event)).toEqual([events[1], events[0]]);
    expect(second.nextBefore).toBeNull();
    // Exactly a full last page still ends the paging.
    expect((await store.readPage({ limit: 5 })).nextBefore).toBeNull();
  });

  it('filters pages by user, action, host and time, combined', async () => {
    const { store } = await useStore();
    const a = makeEvent({ url: 'https://Docs.Example.com/a', timestamp: '2026-11-01T10:00:00.000Z' });
    const b = makeEvent({ url: 'https://other.example/b', timestamp: '2026-11-02T10:00:00.000Z', action: 'SEARCH', params: { query: 'q' } });
    const c = makeEvent({ url: 'https://docs.example.com/c', timestamp: '2026-11-03T10:00:00.000Z' });
    await store.appendBatch([a, b], 'ann');
    await store.appendBatch([c], 'bob');
    const ids = async (query: Parameters<EventStore['readPage']>[0]) =>
      (await store.readPage(query)).events.map((row) => row.event.id);
    expect(await ids({ limit: 10, user: 'ann' })).toEqual([b.id, a.id]);
    expect(await ids({ limit: 10, action: 'SEARCH' })).toEqual([b.id]);
    expect(await ids({ limit: 10, host: 'docs.example.com' })).toEqual([c.id, a.id]);
    expect(await ids({ limit: 10, since: '2026-11-02T10:00:00.000Z' })).toEqual([c.id, b.id]);
    expect(await ids({ limit: 10, until: '2026-11-02T10:00:00.000Z' })).toEqual([a.id]);
    expect(await ids({ limit: 10, user: 'ann', host: 'docs.example.com' })).toEqual([a.id]);
    expect(await ids({ limit: 10, user: 'nobody' })).toEqual([]);
  });

  it('keeps its content across reopening, and dedup still holds', async () => {
    const { store, database } = await useStore();
    const event = makeEvent();
    await store.appendBatch([event], 'ann');
    await store.close();

    const { store: reopened } = await useStore(database);
    expect((await reopened.listEvents()).map((row) => row.event)).toEqual([event]);
    expect(await reopened.appendBatch([event], 'ann')).toEqual({ stored: 0, duplicates: 1 });
  });

  it('stores nothing of a batch whose insert fails midway', async () => {
    const { store } = await useStore();
    const good = makeEvent();
    // Values neither engine can store (SQLite cannot bind an object, PostgreSQL refuses NUL in
    // text) fail the second row; nothing of the batch may remain.
    const broken = { ...makeEvent(), action: 'VIEW\u0000', timestamp: { not: 'a string' } } as never;
    await expect(store.appendBatch([good, broken], 'ann')).rejects.toThrow();
    expect(await store.countEvents()).toBe(0);
  });

  it('prunes what was received before a moment', async () => {
    const { store } = await useStore();
    await store.appendBatch([makeEvent()], 'ann', new Date('2026-01-01T00:00:00.000Z'));
    const recent = makeEvent();
    await store.appendBatch([recent], 'ann', new Date('2026-06-01T00:00:00.000Z'));
    expect(await store.pruneReceivedBefore(new Date('2026-03-01T00:00:00.000Z'))).toBe(1);
    expect((await store.listEvents()).map((row) => row.event.id)).toEqual([recent.id]);
  });

  it('adds, finds, lists and revokes tokens by user or by hash', async () => {
    const { store } = await useStore();
    const createdAt = '2026-12-01T00:00:00.000Z';
    await store.addToken({ hash: 'h1', user: 'ann', admin: false, createdAt });
    await store.addToken({ hash: 'h2', user: 'ann', admin: false, createdAt });
    await store.addToken({ hash: 'h3', user: 'bob', admin: true, createdAt });
    expect(await store.findToken('h3')).toEqual({ hash: 'h3', user: 'bob', admin: true, createdAt });
    expect((await store.listTokens()).map((token) => token.user)).toEqual(['ann', 'ann', 'bob']);
    expect(await store.revokeTokens({ hash: 'h1' })).toBe(1);
    expect(await store.revokeTokens({ user: 'ann' })).toBe(1);
    expect(await store.findToken('h2')).toBeUndefined();
    expect(await store.revokeTokens({ user: 'ann' })).toBe(0);
  });

  it('closes twice without complaint', async () => {
    const { store } = await useStore();
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
  });
});
