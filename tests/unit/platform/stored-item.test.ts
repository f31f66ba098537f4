import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { entry, getItems, migrations, patchItem, removeItems, setItems, storedItem, watchItems, wholeArea } from '../../../src/platform/stored-item';

const COUNT = storedItem({ area: 'local', key: 'count', schema: z.int(), fallback: 0 });
const NOTE = storedItem({ area: 'session', key: 'note', schema: z.nullable(z.string()), fallback: null });
/** Version 3 of a shape: v1 had `name`, v2 renamed it `title`, v3 added `tags`. */
const DOC = storedItem({
  area: 'local',
  key: 'doc',
  schema: z.object({ version: z.literal(3), title: z.string(), tags: z.array(z.string()) }),
  fallback: { version: 3 as const, title: '', tags: [] },
  migrate: migrations(3, {
    1: ({ name, ...rest }) => ({ ...rest, title: name }),
    2: (old) => ({ ...old, tags: [] }),
  }),
});

beforeEach(() => fakeBrowser.reset());

describe('storedItem', () => {
  it('reads the fallback when nothing is stored, and what was set', async () => {
    expect(await COUNT.get(fakeBrowser.storage)).toBe(0);
    await COUNT.set(fakeBrowser.storage, 4);
    expect(await COUNT.get(fakeBrowser.storage)).toBe(4);
    expect((await fakeBrowser.storage.local.get('count')).count).toBe(4);
    await COUNT.remove(fakeBrowser.storage);
    expect(await fakeBrowser.storage.local.get('count')).toEqual({});
  });

  it('reads a value its schema refuses as the fallback', async () => {
    await fakeBrowser.storage.local.set({ count: 'four' });
    expect(await COUNT.get(fakeBrowser.storage)).toBe(0);
    await fakeBrowser.storage.local.set({ count: 1.5 });
    expect(await COUNT.get(fakeBrowser.storage)).toBe(0);
  });

  it('keeps to its own area', async () => {
    await NOTE.set(fakeBrowser.storage, 'hello');
    expect(await fakeBrowser.storage.local.get('note')).toEqual({});
    expect(await NOTE.get({ session: fakeBrowser.storage.session })).toBe('hello');
  });

  it('migrates an older stored shape step by step before parsing it', async () => {
    await fakeBrowser.storage.local.set({ doc: { name: 'old' } });
    expect(await DOC.get(fakeBrowser.storage)).toEqual({ version: 3, title: 'old', tags: [] });
    await fakeBrowser.storage.local.set({ doc: { version: 2, title: 'mid' } });
    expect(await DOC.get(fakeBrowser.storage)).toEqual({ version: 3, title: 'mid', tags: [] });
    await fakeBrowser.storage.local.set({ doc: { version: 3, title: 'now', tags: ['a'] } });
    expect(await DOC.get(fakeBrowser.storage)).toEqual({ version: 3, title: 'now', tags: ['a'] });
  });

  it('patches the stored object, keeping the fields it does not name as stored (migrated)', async () => {
    await fakeBrowser.storage.local.set({ doc: { name: 'old', extra: 7 } });
    await patchItem(fakeBrowser.storage, DOC, { tags: ['x'] });
    expect((await fakeBrowser.storage.local.get('doc')).doc).toEqual({ version: 3, title: 'old', extra: 7, tags: ['x'] });
  });

  it('watches its own key and area, with the new value parsed, until unwatched', async () => {
    const seen = vi.fn();
    const unwatch = COUNT.watch(fakeBrowser.storage, seen);
    await fakeBrowser.storage.local.set({ other: 1 });
    await fakeBrowser.storage.session.set({ count: 9 });
    await COUNT.set(fakeBrowser.storage, 2);
    await fakeBrowser.storage.local.set({ count: 'bad' });
    await COUNT.remove(fakeBrowser.storage);
    unwatch();
    await COUNT.set(fakeBrowser.storage, 3);
    expect(seen.mock.calls).toEqual([[2], [0], [0]]);
  });
});

describe('several items', () => {
  it('of one area are read, written and removed together, and one write of several is one change', async () => {
    const changes = vi.fn();
    watchItems(fakeBrowser.storage, [COUNT, DOC], changes);
    await setItems(fakeBrowser.storage, [entry(COUNT, 5), entry(DOC, { version: 3 as const, title: 't', tags: [] })]);
    expect(changes).toHaveBeenCalledTimes(1);
    expect(await getItems(fakeBrowser.storage, [COUNT, DOC])).toEqual([5, { version: 3, title: 't', tags: [] }]);
    await fakeBrowser.storage.local.set({ doc: 'bad' });
    expect(await getItems(fakeBrowser.storage, [DOC, COUNT])).toEqual([DOC.fallback, 5]);
    await removeItems(fakeBrowser.storage, [COUNT, DOC]);
    expect(await getItems(fakeBrowser.storage, [COUNT, DOC])).toEqual([0, DOC.fallback]);
  });
});

describe('wholeArea', () => {
  const MANAGED = wholeArea('managed');

  it('reads the whole area, and a missing, refusing or odd area as empty', async () => {
    await fakeBrowser.storage.managed.set({ a: 1 });
    expect(await MANAGED.read(fakeBrowser.storage)).toEqual({ a: 1 });
    expect(await MANAGED.read({})).toEqual({});
    expect(await MANAGED.read({ managed: { get: () => Promise.reject(new Error('no policy')) } })).toEqual({});
    expect(await MANAGED.read({ managed: { get: async () => null as never } })).toEqual({});
  });

  it('watches any change of the area', async () => {
    const seen = vi.fn();
    MANAGED.watch(fakeBrowser.storage, seen);
    await fakeBrowser.storage.local.set({ a: 1 });
    await fakeBrowser.storage.onChanged.trigger({ a: { newValue: 2 } }, 'managed');
    expect(seen).toHaveBeenCalledTimes(1);
  });
});
