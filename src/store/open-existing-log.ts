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
