import type { Worker } from 'playwright-core';
import type { BackgroundStatus } from '../../../entrypoints/background';
import type { StoredLogEntry } from '../../../src/store/log-entry';
import { withTimeout } from './with-timeout';

/**
 * Every record of the extension's durable log (IndexedDB `activity-log`, store `events`), in
 * `seq` order — the order they were recorded — read inside the service worker. It opens its
 * own connection, so it sees exactly what is durable, not what the worker holds in memory.
 */
export function readLog(worker: Worker, { timeout = 5_000 } = {}): Promise<StoredLogEntry[]> {
  return withTimeout(
    worker.evaluate(
      () =>
        new Promise<StoredLogEntry[]>((resolve, reject) => {
          // No version: opens the database as the extension made it, never upgrades it.
          const open = indexedDB.open('activity-log');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains('events')) {
              db.close();
              resolve([]);
              return;
            }
            // The store's key is `seq`: getAll returns the records in recording order.
            const read = db.transaction('events').objectStore('events').getAll();
            read.onerror = () => {
              db.close();
              reject(read.error);
            };
            read.onsuccess = () => {
              db.close();
              resolve(read.result as StoredLogEntry[]);
            };
          };
        }),
    ),
    timeout,
    'reading the activity log in the service worker',
  );
}

/**
 * Resolves once the worker has handled every browser signal it has received so far
 * (`self.activityLogger.capture.settled()`): their events are durable. A signal the browser
 * has not delivered yet is not covered, so tests still poll for an expected outcome.
 */
export function captureSettled(worker: Worker, { timeout = 5_000 } = {}): Promise<void> {
  return withTimeout(
    worker.evaluate(async () => {
      const status = (globalThis as { activityLogger?: BackgroundStatus }).activityLogger;
      if (!status?.capture) throw new Error('self.activityLogger.capture is not set');
      await status.capture.settled();
    }),
    timeout,
    'waiting for capture.settled() in the service worker',
  );
}
