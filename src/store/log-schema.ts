import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
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
}

export const OPEN_VIEW = 'openView';

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
];

export const LOG_DB_VERSION = MIGRATIONS.length;
