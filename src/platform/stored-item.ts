import type Browser from 'webextension-polyfill';
import type { ZodMiniType } from 'zod/mini';

/**
 * Typed items of `browser.storage` (docs/design.md §1 "Stored items"): the one code that calls
 * a storage area's `get`, `set` and `remove` and reads `storage.onChanged`. Every item is
 * declared once, with its area, key, schema and fallback, in `src/settings/stored-items.ts`;
 * everything else reads and writes through those declarations, so a value read back is always
 * parsed and a key is never spelt twice. The areas are handed in (`browser.storage` or a part
 * of it), never looked up: `src/` takes the browser as a parameter.
 */

export type AreaName = 'local' | 'session' | 'sync' | 'managed';
/** A storage area as items use it (`browser.storage.local`, …). */
export type StoredArea = Pick<Browser.Storage.StorageArea, 'get' | 'set' | 'remove'>;
type Area = StoredArea;
/** The areas an item of area `A` is read from or written to: `browser.storage`, or `{ local }`. */
export type Areas<A extends AreaName> = { [K in A]: Area };
type Changes = Record<string, Browser.Storage.StorageChange>;
type ChangeListener = (changes: Changes, area: string) => void;
/** `browser.storage` as far as watching goes. */
export interface StorageEvents {
  onChanged: { addListener(listener: ChangeListener): void; removeListener(listener: ChangeListener): void };
}

export type StoredItemDefinition<T, A extends AreaName> = {
  area: A;
  key: string;
  /** What a missing or unreadable value reads as. */
  fallback: T;
  /**
   * Takes a value stored by an older version up to this version's shape before it is parsed
   * (`migrations`); absent while the shape never changed.
   */
  migrate?: (raw: unknown) => unknown;
} & (
  | { schema: ZodMiniType<T> }
  /** Parses in its own way (settings: field by field, each unreadable one its default). */
  | { parse: (raw: unknown) => T }
);

export interface StoredItem<T, A extends AreaName = AreaName> {
  readonly area: A;
  readonly key: string;
  readonly fallback: T;
  /** A stored value as this version reads it: migrated, parsed, else the fallback. */
  parse(raw: unknown): T;
  /** A stored value taken up to this version's shape, not parsed. */
  migrate(raw: unknown): unknown;
  get(areas: Areas<A>): Promise<T>;
  set(areas: Areas<A>, value: T): Promise<void>;
  remove(areas: Areas<A>): Promise<void>;
  /** Calls `listener` with the new value at every change of the item; returns the unwatch. */
  watch(events: StorageEvents, listener: (value: T) => void): () => void;
}

export interface StoredEntry<A extends AreaName> {
  area: A;
  key: string;
  value: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

export function storedItem<T, A extends AreaName>(definition: StoredItemDefinition<T, A>): StoredItem<T, A> {
  const { area, key, fallback, migrate = (raw: unknown) => raw } = definition;
  const parse = (raw: unknown): T => {
    if (raw === undefined) return fallback;
    if ('parse' in definition) return definition.parse(migrate(raw));
    const parsed = definition.schema.safeParse(migrate(raw));
    return parsed.success ? parsed.data : fallback;
  };
  const item: StoredItem<T, A> = {
    area,
    key,
    fallback,
    parse,
    migrate,
    get: async (areas) => parse((await areas[area].get(key))[key]),
    set: (areas, value) => areas[area].set({ [key]: value }),
    remove: (areas) => areas[area].remove(key),
    watch: (events, listener) => watchItems(events, [item], (changes) => listener(parse(changes[key]!.newValue))),
  };
  return item;
}

/**
 * The `migrate` of an item whose shape is at `version`, kept in the value's own `version`
 * field (absent: 1): `steps[n]` takes a value of version n to n + 1, and each runs in turn.
 */
export function migrations(
  version: number,
  steps: Record<number, (old: Record<string, unknown>) => Record<string, unknown>>,
): (raw: unknown) => unknown {
  return (raw) => {
    if (!isObject(raw)) return raw;
    let value = raw;
    for (let from = typeof raw.version === 'number' ? raw.version : 1; from < version && steps[from]; from++) {
      value = { ...steps[from]!(value), version: from + 1 };
    }
    return value;
  };
}

/**
 * Calls `listener` once per storage change that touches any of `items` (one `set` of several
 * items is one change), with the changes of that area; returns the unwatch.
 */
export function watchItems(
  events: StorageEvents,
  items: readonly Pick<StoredItem<unknown>, 'area' | 'key'>[],
  listener: (changes: Changes) => void,
): () => void {
  const onChanged: ChangeListener = (changes, area) => {
    if (items.some((item) => item.area === area && item.key in changes)) listener(changes);
  };
  events.onChanged.addListener(onChanged);
  return () => events.onChanged.removeListener(onChanged);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any item, whatever its value
type AnyItem = StoredItem<any, any>;
type ValuesOf<I extends readonly AnyItem[]> = { [K in keyof I]: I[K] extends StoredItem<infer T, AreaName> ? T : never };

/** Reads several items of one area in one call (so they are seen as one write left them), each parsed as `get` would. */
export async function getItems<const I extends readonly AnyItem[]>(areas: Areas<I[number]['area']>, items: I): Promise<ValuesOf<I>> {
  const area = items[0]!.area as I[number]['area'];
  const stored = await areas[area].get(items.map((item) => item.key));
  return items.map((item) => item.parse(stored[item.key])) as ValuesOf<I>;
}

/** The item with a value, for `setItems`. */
export function entry<T, A extends AreaName>(item: StoredItem<T, A>, value: T): StoredEntry<A> {
  return { area: item.area, key: item.key, value };
}

/** Writes several items of one area in one call: whoever watches them sees one change. */
export async function setItems<A extends AreaName>(areas: Areas<A>, entries: readonly StoredEntry<A>[]): Promise<void> {
  await areas[entries[0]!.area].set(Object.fromEntries(entries.map(({ key, value }) => [key, value])));
}

/** Removes several items of one area in one call. */
export async function removeItems<A extends AreaName>(areas: Areas<A>, items: readonly Pick<StoredItem<unknown, A>, 'area' | 'key'>[]): Promise<void> {
  await areas[items[0]!.area].remove(items.map(({ key }) => key));
}

/**
 * `fields` written over the stored object, keeping the stored fields it does not name as they
 * are (a field of a newer version, or one this version cannot read, is not lost), for `setItems`.
 */
export async function patchedEntry<T, A extends AreaName>(areas: Areas<A>, item: StoredItem<T, A>, fields: Partial<T>): Promise<StoredEntry<A>> {
  const stored = item.migrate((await areas[item.area].get(item.key))[item.key]);
  return { area: item.area, key: item.key, value: { ...(isObject(stored) ? stored : {}), ...fields } };
}

/** Writes `fields` over the stored object: see `patchedEntry`. */
export async function patchItem<T, A extends AreaName>(areas: Areas<A>, item: StoredItem<T, A>, fields: Partial<T>): Promise<void> {
  await setItems(areas, [await patchedEntry(areas, item, fields)]);
}

/**
 * A whole area read as one record (the administrator's policy is all of `storage.managed`).
 * An area that is missing or refuses the read reads as empty: Firefox refuses `storage.managed`
 * when no `policies.json` names the add-on, and that is no policy, not an error.
 */
export function wholeArea<A extends AreaName>(area: A) {
  return {
    area,
    async read(areas: Partial<Record<A, Pick<Area, 'get'>>>): Promise<Record<string, unknown>> {
      const stored: unknown = await areas[area]?.get(null).catch(() => undefined);
      return isObject(stored) ? stored : {};
    },
    watch(events: StorageEvents, listener: () => void): void {
      events.onChanged.addListener((_changes, changed) => {
        if (changed === area) listener();
      });
    },
  };
}
