import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ActivityEvent } from '../src/model/activity-event';

/** One received event with what the collector knows about its arrival. */
export interface StoredEvent {
  /** Arrival order, 1-based; also the paging cursor of `GET /events`. */
  seq: number;
  receivedAt: string;
  /** The event exactly as the client sent it. */
  event: ActivityEvent;
}

export interface InsertResult {
  /** Events newly stored. */
  stored: number;
  /** Events skipped because an event with the same id was stored before (first wins). */
  duplicates: number;
}

export interface EventPage {
  events: StoredEvent[];
  /** Pass as `before` to get the next (older) page; null when this page is the last. */
  nextBefore: number | null;
}

const SCHEMA_VERSION = 1;

// `id` is UNIQUE but nullable: SQLite lets any number of NULLs coexist, so events sent
// without an id are all kept, while a repeated id hits ON CONFLICT DO NOTHING.
const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS events (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT UNIQUE,
  action      TEXT NOT NULL,
  url         TEXT NOT NULL,
  timestamp   TEXT NOT NULL,
  received_at TEXT NOT NULL,
  event       TEXT NOT NULL
);
`;

interface Row {
  seq: number;
  received_at: string;
  event: string;
}

/** The collector's SQLite file: schema, first-wins insert, and the reads behind `GET /events`. */
export class EventStore {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly insertBatchTx: (events: readonly ActivityEvent[], receivedAt: string) => number;
  private readonly pageStmt: Database.Statement<[number, number], Row>;
  private readonly countStmt: Database.Statement<[], { n: number }>;
  private readonly byIdStmt: Database.Statement<[string], Row>;
  private readonly allStmt: Database.Statement<[], Row>;
  private readonly pingStmt: Database.Statement<[], unknown>;

  constructor(file: string) {
    this.file = file;
    if (file !== ':memory:' && !file.startsWith('file:')) mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    // WAL lets `GET /events` (and another process inspecting the file) read while batches commit;
    // synchronous=NORMAL in WAL mode survives a crash of the process, and a 200 is only sent
    // after the commit returned.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();

    const insert = this.db.prepare<[string | null, string, string, string, string, string]>(
      `INSERT INTO events (id, action, url, timestamp, received_at, event)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    );
    // One transaction per batch: a batch is stored completely or not at all, and the commit
    // cost is paid once per request instead of once per event.
    this.insertBatchTx = this.db.transaction((events: readonly ActivityEvent[], receivedAt: string) => {
      let stored = 0;
      for (const event of events) {
        stored += insert.run(
          event.id ?? null,
          event.action,
          event.url,
          event.timestamp,
          receivedAt,
          JSON.stringify(event),
        ).changes;
      }
      return stored;
    });
    this.pageStmt = this.db.prepare(
      'SELECT seq, received_at, event FROM events WHERE seq < ? ORDER BY seq DESC LIMIT ?',
    );
    this.countStmt = this.db.prepare('SELECT count(*) AS n FROM events');
    this.byIdStmt = this.db.prepare('SELECT seq, received_at, event FROM events WHERE id = ?');
    this.allStmt = this.db.prepare('SELECT seq, received_at, event FROM events ORDER BY seq ASC');
    this.pingStmt = this.db.prepare('SELECT 1');
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `${this.file} has schema version ${version}, newer than this collector understands (${SCHEMA_VERSION})`,
      );
    }
    if (version < 1) {
      this.db.exec(SCHEMA_V1);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
  }

  /**
   * Stores a validated batch atomically. An event whose id is already stored (earlier in this
   * batch or in an earlier one) is skipped, so the first version received is the one kept.
   * Each event is serialized as given, so callers should pass what the client sent.
   */
  insertBatch(events: readonly ActivityEvent[], receivedAt: Date = new Date()): InsertResult {
    if (events.length === 0) return { stored: 0, duplicates: 0 };
    const stored = this.insertBatchTx(events, receivedAt.toISOString());
    return { stored, duplicates: events.length - stored };
  }

  /** Newest first by arrival; `before` is a `seq` from an earlier page. */
  page(options: { limit: number; before?: number | undefined }): EventPage {
    const before = options.before ?? Number.MAX_SAFE_INTEGER;
    // One extra row tells whether an older page exists without a second query.
    const rows = this.pageStmt.all(before, options.limit + 1);
    const hasMore = rows.length > options.limit;
    const events = rows.slice(0, options.limit).map(toStored);
    return { events, nextBefore: hasMore ? (events.at(-1)?.seq ?? null) : null };
  }

  count(): number {
    return this.countStmt.get()?.n ?? 0;
  }

  get(id: string): StoredEvent | undefined {
    const row = this.byIdStmt.get(id);
    return row ? toStored(row) : undefined;
  }

  /** Every event in arrival order (oldest first); meant for tests and small files. */
  all(): StoredEvent[] {
    return this.allStmt.all().map(toStored);
  }

  /** Cheap liveness check of the database connection. */
  ping(): void {
    this.pingStmt.get();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function toStored(row: Row): StoredEvent {
  return { seq: row.seq, receivedAt: row.received_at, event: JSON.parse(row.event) as ActivityEvent };
}
