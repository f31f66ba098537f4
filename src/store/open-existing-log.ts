import { LOG_DB_NAME } from './log-schema';

/**
 * Opens the log's database as it is, for reading, with the plain IndexedDB API (no zod, no
 * idb: the popup's first paint). Resolves to null when there is no log yet or it is being
 * upgraded: the database is never created here (only the store's migrations may create it).
 */
export function openExistingLog(factory: IDBFactory): Promise<IDBDatabase | null> {
  return new Promise((resolve) => {
    const open = factory.open(LOG_DB_NAME);
    open.onupgradeneeded = () => open.transaction?.abort();
    open.onerror = () => resolve(null);
    open.onblocked = () => resolve(null);
    open.onsuccess = () => {
      const db = open.result;
      if (db.objectStoreNames.contains('events')) resolve(db);
      else {
        db.close();
        resolve(null);
      }
    };
  });
}

/** A request's result as a promise. */
export function resultOf<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

type RecordsStore = IDBObjectStore & {
  getAllRecords?: (options: { query: IDBKeyRange | null; count: number; direction: 'prev' }) => IDBRequest<{ value: unknown }[]>;
};

/**
 * The last `limit` records of a store's key range (`null`: the whole store), last first: one
 * request where the browser has `getAllRecords` with a direction (Chromium), else a reverse
 * cursor, a round trip a record (docs/design.md §7, §7a).
 */
export function newestOf<T>(store: IDBObjectStore, range: IDBKeyRange | null, limit: number): Promise<T[]> {
  const records = store as RecordsStore;
  if (typeof records.getAllRecords === 'function') {
    return resultOf(records.getAllRecords({ query: range, count: limit, direction: 'prev' })).then((found) => found.map((record) => record.value as T));
  }
  return new Promise<T[]>((resolve, reject) => {
    const found: T[] = [];
    const cursor = store.openCursor(range, 'prev');
    cursor.onerror = () => reject(cursor.error);
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (at && found.length < limit) {
        found.push(at.value as T);
        at.continue();
      } else resolve(found);
    };
  });
}
