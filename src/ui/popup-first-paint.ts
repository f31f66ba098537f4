import type { StoredLogEntry } from '../store/log-entry';
import { newestOf } from '../store/open-existing-log';
import { groupViews } from './group-views';
import { localizePage, type Translate } from './i18n';
import { toLogRow } from './log-row';
import { readSummaryData, type PopupSummary, type SummaryData } from './popup-summary';
import { renderLog } from './render-log';

/** Records read per page of the popup's list (a view's start and completion make one row). */
export const PAGE_SIZE = 60;

/**
 * The newest `limit` records of an open log, read with the plain IndexedDB API in one request
 * where the browser can (`newestOf`). This module and what it imports carry no zod: the popup
 * shows its summary and list before the rest of its code (the schemas, ~110 kB) has even been
 * parsed (issue 5: open in ≤ 100 ms with 100,000 events).
 */
export function readNewestRecords(db: IDBDatabase, limit: number): Promise<StoredLogEntry[] | null> {
  return newestOf<StoredLogEntry>(db.transaction('events').objectStore('events'), null, limit).catch(() => null);
}

export interface FirstPaint {
  /** What was rendered (null: nothing could be read yet). */
  entries: StoredLogEntry[] | null;
}

/**
 * Translates the page, renders the summary (`summary`) and the newest records into `#log`,
 * both read from one opening of the log. When there is no log yet (the database is never
 * created here: only the store's migrations may), the full popup code takes over.
 */
export async function paintFirstPage(
  doc: Document,
  /** The log's opening, already on its way (`popupLogOpening`): its round trip overlaps the translation. */
  opening: Promise<IDBDatabase | null>,
  limit: number,
  t: Translate,
  locale?: string,
  clock: () => number = Date.now,
  summary?: PopupSummary,
): Promise<FirstPaint> {
  localizePage(doc, t);
  doc.documentElement.lang = locale ?? doc.documentElement.lang;
  performance.mark('popup:localized');
  const db = await opening;
  performance.mark('popup:log-opened');
  const now = clock();
  let entries: StoredLogEntry[] | null = null;
  let summaryData: SummaryData | null = null;
  if (db) {
    [entries, summaryData] = await Promise.all([
      readNewestRecords(db, limit).finally(() => performance.mark('popup:records-read')),
      readSummaryData(db, now)
        .catch(() => null)
        .finally(() => performance.mark('popup:summary-read')),
    ]);
    db.close();
  }
  performance.mark('popup:read');
  summary?.show(summaryData);
  performance.mark('popup:summary-rendered');
  if (entries) {
    renderLog(doc.getElementById('log')!, groupViews(entries).map((item) => toLogRow(item, now, locale)), t);
    doc.body.dataset.listRenderedMs = performance.now().toFixed(1);
    performance.mark('popup:list-rendered');
  }
  return { entries };
}
