import { unwrap, wrap, type IDBPDatabase } from 'idb';
import type { EventState } from './log-entry';
import { LOG_DB_NAME, MIGRATIONS, type LogDB, type Migration, type UpgradeTransaction } from './log-schema';

/** The open database, once it is open (docs/design.md §4). */
export type LogDatabase = () => Promise<IDBPDatabase<LogDB>>;

export interface LogDatabaseOptions {
  name?: string;
  migrations?: readonly Migration[];
}

/**
 * The log's IndexedDB database, usable at once: it opens (created or upgraded) in the
 * background and every call of the accessor waits for it. A worker's listeners can so be
 * registered synchronously and still write to the log. An open that fails is not kept: the
 * next call opens again (a transient failure must not fail every write until the worker
 * restarts), and so does a call after the browser closed the connection.
 */
export function connectLogDatabase(
  factory: IDBFactory,
  { name = LOG_DB_NAME, migrations = MIGRATIONS }: LogDatabaseOptions = {},
): LogDatabase {
  let opening: Promise<IDBPDatabase<LogDB>> | null = null;
  const database = (): Promise<IDBPDatabase<LogDB>> => {
    if (opening) return opening;
    const attempt: Promise<IDBPDatabase<LogDB>> = openLogDatabase(factory, name, migrations).then(
      (db) => {
        const forget = () => {
          if (opening === attempt) opening = null;
        };
        const raw = unwrap(db);
        // Closed by the browser (the database was deleted, or the disk failed): open again.
        raw.addEventListener('close', forget);
        // Another context upgrades the log (a newer version of the extension): let it.
        raw.addEventListener('versionchange', () => {
          db.close();
          forget();
        });
        return db;
      },
      (error: unknown) => {
        if (opening === attempt) opening = null;
        throw error;
      },
    );
    opening = attempt;
    return attempt;
  };
  // Opened at once, in the background; a failure surfaces from each call.
  database().catch(() => undefined);
  return database;
}


/** The stores the log reads and writes: a database without one of them is not a log it can use. */
const LOG_STORES = ['events', 'counters', 'capture'] as const;

async function openLogDatabase(
  factory: IDBFactory,
  name: string,
  migrations: readonly Migration[],
): Promise<IDBPDatabase<LogDB>> {
  try {
    const request = factory.open(name, migrations.length);
    request.addEventListener('upgradeneeded', (event) => {
      const db = wrap(request.result) as unknown as IDBPDatabase<LogDB>;
      const tx = wrap(request.transaction!) as unknown as UpgradeTransaction;
      for (let version = event.oldVersion; version < migrations.length; version++) {
        migrations[version]!(db, tx);
      }
    });
    return await (wrap(request) as unknown as Promise<IDBPDatabase<LogDB>>);
  } catch (error) {
    if ((error as { name?: unknown } | null)?.name !== 'VersionError') throw error;
    // A newer version of the extension upgraded the log, then this older one came back (a
    // downgrade). Migrations only ever add stores and indexes, so the newer layout holds
    // everything this version uses: open it as it is rather than fail every write.
    const db = (await wrap(factory.open(name))) as unknown as IDBPDatabase<LogDB>;
    if (LOG_STORES.every((store) => db.objectStoreNames.contains(store))) return db;
    db.close();
    throw error;
  }
}


/** The records of one state, recorded up to `upTo`, in the byState index. */
export function stateRange(state: EventState, upTo = Infinity): IDBKeyRange {
  return IDBKeyRange.bound([state, -Infinity], [state, upTo]);
}

