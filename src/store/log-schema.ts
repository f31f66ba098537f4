import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { PageDay, PageMonth, SearchMade, SiteDay, ViewSpan } from './aggregate-records';
import type { EventState, StoredLogEntry } from './log-entry';

export const LOG_DB_NAME = 'activity-log';

/** The IndexedDB layout of the durable log. Change it only by adding a migration below. */
export interface LogDB extends DBSchema {
  events: {
    key: number;
    value: StoredLogEntry;
    indexes: {
      /** Event ids are unique: a second record with the same id is never written. */
      byId: string;
      /** Serves counts per state, oldest pending first, retention and the cap. */
      byState: [EventState, number];
      byHost: string;
    };
  };
  counters: {
    key: string;
    value: number;
  };
  /** What capture keeps durable with its events: the open view (`OPEN_VIEW`), written in the same transaction. */
  capture: {
    key: string;
    value: unknown;
  };
  /** Version 3: the daily aggregates (`src/store/daily-aggregates.ts`), keyed by day first. */
  siteDays: {
    key: [string, string];
    value: SiteDay;
    indexes: { byHostDay: [string, string] };
  };
  pageDays: {
    key: [string, string];
    value: PageDay;
    indexes: { byHostDay: [string, string] };
  };
  viewSpans: {
    key: [string, string];
    value: ViewSpan;
    indexes: { byId: string; byHost: string };
  };
  searches: {
    key: [string, string];
    value: SearchMade;
    indexes: { byId: string; byHost: string };
  };
  /**
   * Version 4: the month summaries of the page totals (`src/store/page-months.ts`), made on
   * reading; the append path never writes them.
   */
  pageMonths: {
    key: string;
    value: PageMonth;
  };
}

export const OPEN_VIEW = 'openView';

/** `counters` key: when this log was first seen (`log-discard.ts`). */
export const LOG_CREATED = 'logCreatedAt';

/**
 * `counters` keys of the aggregates' build after the upgrade to version 3: the events with
 * `seq` from `BACKFILL_NEXT` to `BACKFILL_LAST` are not in the aggregates yet (appends since
 * the upgrade are). Absent: nothing left to build.
 */
export const BACKFILL_NEXT = 'aggregatesBackfillNext';
export const BACKFILL_LAST = 'aggregatesBackfillLast';

/**
 * `counters` key (version 5): the highest `seq` whose event the daily aggregates hold. The
 * events after it are their journal, folded in later (`aggregate-fold.ts`, docs/design.md §4).
 * Absent: 0, none.
 */
export const FOLDED_THROUGH = 'aggregatesFoldedThrough';
/** The version that brought the mark: an older log's appends counted themselves. */
export const FOLD_VERSION = 5;

export type UpgradeTransaction = IDBPTransaction<LogDB, StoreNames<LogDB>[], 'versionchange'>;
export type Migration = (db: IDBPDatabase<LogDB>, tx: UpgradeTransaction) => void;

/**
 * `MIGRATIONS[n]` takes a database from version n to n + 1. A browser that skipped versions
 * runs every step it missed, in order, inside the one upgrade transaction.
 */
export const MIGRATIONS: readonly Migration[] = [
  (db) => {
    const events = db.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
    events.createIndex('byId', 'event.id', { unique: true });
    events.createIndex('byState', ['state', 'recordedAt']);
    events.createIndex('byHost', 'host');
    db.createObjectStore('counters');
  },
  (db) => {
    db.createObjectStore('capture');
  },
  (db, tx) => {
    for (const name of ['siteDays', 'pageDays'] as const) {
      db.createObjectStore(name, { keyPath: name === 'siteDays' ? ['day', 'host'] : ['day', 'url'] }).createIndex(
        'byHostDay',
        ['host', 'day'],
      );
    }
    for (const name of ['viewSpans', 'searches'] as const) {
      const store = db.createObjectStore(name, { keyPath: ['day', 'id'] });
      store.createIndex('byId', 'id');
      store.createIndex('byHost', 'host');
    }
    // The events already there are added in the background, in chunks (`buildAggregates`):
    // done here, a large log would hold the upgrade, and every append behind it, for seconds.
    void tx
      .objectStore('events')
      .openKeyCursor(null, 'prev')
      .then((newest) => {
        if (!newest) return;
        const counters = tx.objectStore('counters');
        void counters.put(1, BACKFILL_NEXT);
        void counters.put(newest.key, BACKFILL_LAST);
      });
  },
  (db) => {
    db.createObjectStore('pageMonths', { keyPath: 'month' });
  },
  (_db, tx) => {
    // Up to version 4 an append added its own share to the totals: every event already there
    // is in them (or in the build's range), and only the later ones are to be folded.
    const counters = tx.objectStore('counters');
    // The note of version 4's totals kept in memory, which are gone.
    void counters.delete('aggregatesChangedElsewhere');
    void tx
      .objectStore('events')
      .openKeyCursor(null, 'prev')
      .then((newest) => (newest ? counters.put(newest.key, FOLDED_THROUGH) : undefined));
  },
];
