import { LOG_DB_NAME } from '../store/log-schema';
import type { StoredLogEntry } from '../store/log-entry';
import { groupViews } from './group-views';
import { localizePage, type Translate } from './i18n';
import { toLogRow } from './log-row';
import { renderLog } from './render-log';

/** Records read per page of the popup's list (a view's start and completion make one row). */
export const PAGE_SIZE = 60;

/**
 * The newest `limit` records, read with the plain IndexedDB API. This module and what it
 * imports carry no zod: the popup shows its list before the rest of its code (the schemas,
 * ~110 kB) has even been parsed (issue 5: open in ≤ 100 ms with 100,000 events). Resolves to
 * null when there is no log yet: the database is never created here (only the store's
 * migrations may create it), the full popup code takes over then.
 */
export function readNewestRecords(factory: IDBFactory, limit: number): Promise<StoredLogEntry[] | null> {
  return new Promise((resolve) => {
    const open = factory.open(LOG_DB_NAME);
    open.onupgradeneeded = () => open.transaction?.abort();
    open.onerror = () => resolve(null);
    open.onblocked = () => resolve(null);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('events')) {
        db.close();
        resolve(null);
        return;
      }
      const entries: StoredLogEntry[] = [];
      const cursor = db.transaction('events').objectStore('events').openCursor(null, 'prev');
      cursor.onerror = () => {
        db.close();
        resolve(null);
      };
      cursor.onsuccess = () => {
        const at = cursor.result;
        if (at && entries.length < limit) {
          entries.push(at.value as StoredLogEntry);
          at.continue();
          return;
        }
        db.close();
        resolve(entries);
      };
    };
  });
}

export interface FirstPaint {
  /** What was rendered (null: nothing could be read yet). */
  entries: StoredLogEntry[] | null;
}

/** Translates the page and renders the newest records into `#log`. */
export async function paintFirstPage(
  doc: Document,
  factory: IDBFactory,
  limit: number,
  t: Translate,
  locale?: string,
  clock: () => number = Date.now,
): Promise<FirstPaint> {
  localizePage(doc, t);
  doc.documentElement.lang = locale ?? doc.documentElement.lang;
  const entries = await readNewestRecords(factory, limit);
  if (entries) {
    const now = clock();
    renderLog(doc.getElementById('log')!, groupViews(entries).map((item) => toLogRow(item, now, locale)), t);
    doc.body.dataset.listRenderedMs = performance.now().toFixed(1);
  }
  return { entries };
}
