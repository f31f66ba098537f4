import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { ActivityEvent } from '../src/model/activity-event';
import { encodeBatch, FILTER_INDEXES_SQL, hostOf, pageConditions, STORED_EVENT_COLUMNS, toEventPage, toStoredEvent, toTokenRecord } from './event-store';
import type { EncodedBatch, EventPage, EventQuery, EventStore, InsertResult, StoredEvent, StoredEventRow, TokenRecord, TokenRow } from './event-store';

/**
 * Versioned migrations, applied in order inside one transaction each; `user_version` holds the
 * number applied. Never edit one that shipped: add the next.
 */
const MIGRATIONS: readonly ((db: Database.Database) => void)[] = [
  // 1: the single-user collector. `id` is UNIQUE but nullable: SQLite lets any number of NULLs
  // coexist, so events sent without an id are all kept, while a repeated id hits ON CONFLICT.
  (db) =>
    db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        id          TEXT UNIQUE,
        action      TEXT NOT NULL,
        url         TEXT NOT NULL,
        timestamp   TEXT NOT NULL,
        received_at TEXT NOT NULL,
        event       TEXT NOT NULL
      );`),
  // 2: people. Each event records its sender; tokens are stored as SHA-256; the filters of
  // GET /events each have an index ending in seq, so a filtered page is an index range scan.
  (db) => {
    db.exec(`
      ALTER TABLE events ADD COLUMN sender TEXT;
      ALTER TABLE events ADD COLUMN host TEXT NOT NULL DEFAULT '';
      ${FILTER_INDEXES_SQL}
      CREATE TABLE tokens (
        hash       TEXT PRIMARY KEY,
        user_name  TEXT NOT NULL,
        admin      INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX tokens_user ON tokens (user_name);`);
    const update = db.prepare<[string, number]>('UPDATE events SET host = ? WHERE seq = ?');
    for (const row of db.prepare<[], { seq: number; url: string }>('SELECT seq, url FROM events').all()) {
      update.run(hostOf(row.url), row.seq);
    }
  },
  // 3: ingest cost (docs/design.md §9). `url` goes: no query reads it (the host filter has its
  // own column, and the url is in the stored event), and it was a copy of each row's longest
  // field in every page SQLite writes.
  (db) => db.exec('ALTER TABLE events DROP COLUMN url;'),
];

export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

/** Rows per multi-row INSERT: 100 × 5 parameters stays far below SQLite's limit of 32,766. */
const ROWS_PER_STATEMENT = 100;
/** Parameters of each row; the sender and the arrival time are one named parameter each for all rows. */
const COLUMNS = 5;

/**
 * Most events one group commit takes (docs/design.md §9): the batches waiting beyond it go in
 * the next transaction, so one commit never holds the event loop for more than a few ms.
 */
const MAX_EVENTS_PER_COMMIT = 5000;

/** A batch handed to `appendEncoded`, waiting for the next group commit. */
interface PendingBatch {
  batch: EncodedBatch;
  user: string | null;
  receivedAt: string;
  resolve: (result: InsertResult) => void;
  reject: (error: unknown) => void;
}

/** How well group commit groups: transactions committed by `appendEncoded`, and the batches in them. */
export interface GroupCommitStats {
  commits: number;
  batches: number;
}

/**
 * The embedded engine: one SQLite file. Its work is synchronous (better-sqlite3), so besides
 * the EventStore interface it offers synchronous reads for tests and tools on the same file.
 */
export class SqliteEventStore implements EventStore {
  readonly engine = 'sqlite';
  readonly file: string;
  readonly location: string;
  private readonly db: Database.Database;
  private readonly insertStatements = new Map<number, Database.Statement<unknown[]>>();
  private readonly insertBatchTx: (batch: EncodedBatch, user: string | null, receivedAt: string) => number;
  private readonly groupTx: (group: readonly PendingBatch[]) => (number | { error: unknown })[];
  private pending: PendingBatch[] = [];
  private flushScheduled = false;
  readonly groupStats: GroupCommitStats = { commits: 0, batches: 0 };
  private readonly pageStatements = new Map<string, Database.Statement<unknown[], StoredEventRow>>();
  private readonly countStmt: Database.Statement<[], { n: number }>;
  private readonly byIdStmt: Database.Statement<[string], StoredEventRow>;
  private readonly allStmt: Database.Statement<[], StoredEventRow>;
  private readonly pingStmt: Database.Statement<[], unknown>;

  constructor(file: string) {
    this.file = file;
    const onDisk = file !== ':memory:' && !file.startsWith('file:');
    this.location = onDisk ? resolve(file) : file;
    if (onDisk) mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    // WAL lets `GET /events` (and another process inspecting the file) read while batches commit.
    // synchronous=FULL syncs the WAL at every commit, and a 200 is only sent after the commit
    // returned: the client deletes what was answered, so an answered batch must survive a power
    // cut too, not only a crash of the process (NORMAL's promise). Group commit shares the sync
    // among the batches of a commit (docs/design.md §9; its cost: BENCHMARKS.md).
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    // Checkpoint every 10,000 pages (~40 MiB of WAL) rather than SQLite's 1,000: a checkpoint
    // runs inside the commit that triggers it, with its fsyncs, on the event loop; fewer and
    // larger ones write the index pages every batch touches once instead of ten times.
    this.db.pragma('wal_autocheckpoint = 10000');
    // A multi-row INSERT inside a transaction keeps a statement journal (to undo just that
    // statement if a row fails), and past 64 KiB SQLite spills it to a temporary file: ~19
    // more pwrite calls per statement of 100 rows (strace). In memory it costs no system call
    // (system CPU per event about halved, BENCHMARKS.md); nothing reads it after a crash.
    this.db.pragma('temp_store = MEMORY');
    this.migrate();

    // One transaction per batch (a savepoint when a group commit calls it): a batch is stored
    // completely or not at all. Rows go in multi-row statements, first-wins by id.
    // The event's JSON is bound as the UTF-8 bytes it arrived in (a blob, cast to text by the
    // statement): no serialisation, and no conversion of a JavaScript string to UTF-8 per event.
    this.insertBatchTx = this.db.transaction(({ events, hosts, texts }: EncodedBatch, user: string | null, receivedAt: string) => {
      let stored = 0;
      for (let offset = 0; offset < events.length; offset += ROWS_PER_STATEMENT) {
        const rows = Math.min(ROWS_PER_STATEMENT, events.length - offset);
        const values: unknown[] = new Array(rows * COLUMNS);
        let i = 0;
        for (let row = offset; row < offset + rows; row++) {
          const event = events[row]!;
          values[i++] = event.id ?? null;
          values[i++] = event.action;
          values[i++] = hosts[row];
          values[i++] = event.timestamp;
          values[i++] = texts[row];
        }
        // Bound once per statement, not once per row: each bound string is copied into SQLite.
        stored += this.insertStatement(rows).run(values, { sender: user, receivedAt }).changes;
      }
      return stored;
    });
    // Group commit: the batches that arrived while the event loop was busy share one
    // transaction, each in its own savepoint (a nested better-sqlite3 transaction), so a batch
    // that fails is rolled back alone and the others still commit. About half the WAL pages per
    // event of one commit per batch: the index pages every commit rewrites are written once.
    this.groupTx = this.db.transaction((group: readonly PendingBatch[]) =>
      group.map(({ batch, user, receivedAt }) => {
        try {
          return this.insertBatchTx(batch, user, receivedAt);
        } catch (error) {
          return { error };
        }
      }),
    );
    this.countStmt = this.db.prepare('SELECT count(*) AS n FROM events');
    this.byIdStmt = this.db.prepare(`SELECT ${STORED_EVENT_COLUMNS} FROM events WHERE id = ?`);
    this.allStmt = this.db.prepare(`SELECT ${STORED_EVENT_COLUMNS} FROM events ORDER BY seq ASC`);
    this.pingStmt = this.db.prepare('SELECT 1');
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(
        `${this.file} has schema version ${version}, newer than this collector understands (${MIGRATIONS.length})`,
      );
    }
    for (let next = version + 1; next <= MIGRATIONS.length; next++) {
      this.db.transaction(() => {
        MIGRATIONS[next - 1]!(this.db);
        this.db.pragma(`user_version = ${next}`);
      })();
    }
  }

  private insertStatement(rows: number): Database.Statement<unknown[]> {
    let statement = this.insertStatements.get(rows);
    if (!statement) {
      const tuple = '(?, @sender, ?, ?, ?, @receivedAt, CAST(? AS TEXT))';
      statement = this.db.prepare(
        `INSERT INTO events (id, sender, action, host, timestamp, received_at, event)
         VALUES ${new Array(rows).fill(tuple).join(', ')}
         ON CONFLICT (id) DO NOTHING`,
      );
      this.insertStatements.set(rows, statement);
    }
    return statement;
  }

  /**
   * Stores a validated batch atomically. An event whose id is already stored (earlier in this
   * batch or in an earlier one) is skipped, so the first version received is the one kept.
   * Each event is serialized as given, so callers should pass what the client sent.
   */
  insertBatch(events: readonly ActivityEvent[], receivedAt: Date = new Date(), user: string | null = null): InsertResult {
    return this.insertEncoded(encodeBatch(events), receivedAt, user);
  }

  /** insertBatch of a batch already encoded (what the activity route has). */
  insertEncoded(batch: EncodedBatch, receivedAt: Date = new Date(), user: string | null = null): InsertResult {
    if (batch.events.length === 0) return { stored: 0, duplicates: 0 };
    const stored = this.insertBatchTx(batch, user, receivedAt.toISOString());
    return { stored, duplicates: batch.events.length - stored };
  }

  /** Newest first by arrival; `before` is a `seq` from an earlier page. */
  page(query: EventQuery): EventPage {
    const conditions = pageConditions(query);
    // Always a seq bound, so every page is the same range scan on the primary key or an index ending in seq.
    if (query.before === undefined) conditions.unshift({ column: 'seq', operator: '<', value: Number.MAX_SAFE_INTEGER });
    const where = conditions.map(({ column, operator }) => `${column} ${operator} ?`).join(' AND ');
    let statement = this.pageStatements.get(where);
    if (!statement) {
      statement = this.db.prepare(`SELECT ${STORED_EVENT_COLUMNS} FROM events WHERE ${where} ORDER BY seq DESC LIMIT ?`);
      this.pageStatements.set(where, statement);
    }
    return toEventPage(statement.all(...conditions.map(({ value }) => value), query.limit + 1), query.limit);
  }

  count(): number {
    return this.countStmt.get()?.n ?? 0;
  }

  get(id: string): StoredEvent | undefined {
    const row = this.byIdStmt.get(id);
    return row ? toStoredEvent(row) : undefined;
  }

  /** Every event in arrival order (oldest first); meant for tests and small files. */
  all(): StoredEvent[] {
    return this.allStmt.all().map(toStoredEvent);
  }

  async appendBatch(events: readonly ActivityEvent[], user: string | null, receivedAt: Date = new Date()): Promise<InsertResult> {
    return this.insertBatch(events, receivedAt, user);
  }

  /**
   * Queues the batch for the next group commit (docs/design.md §9), which runs once the event
   * loop has taken every request that is ready; resolves only after that commit returned, so a
   * 200 still means the batch is in the database, all of it.
   */
  appendEncoded(batch: EncodedBatch, user: string | null, receivedAt: Date = new Date()): Promise<InsertResult> {
    if (batch.events.length === 0) return Promise.resolve({ stored: 0, duplicates: 0 });
    if (!this.db.open) return Promise.reject(new Error('the SQLite store is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ batch, user, receivedAt: receivedAt.toISOString(), resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits the waiting batches, at most MAX_EVENTS_PER_COMMIT events (but always one batch) per transaction. */
  private flush(): void {
    this.flushScheduled = false;
    while (this.pending.length > 0) {
      let events = this.pending[0]!.batch.events.length;
      let count = 1;
      while (count < this.pending.length && events + this.pending[count]!.batch.events.length <= MAX_EVENTS_PER_COMMIT) {
        events += this.pending[count]!.batch.events.length;
        count += 1;
      }
      const group = this.pending.splice(0, count);
      let outcomes: (number | { error: unknown })[];
      try {
        outcomes = this.groupTx(group);
      } catch (error) {
        // The commit itself failed (busy, disk): nothing of the group is stored.
        for (const waiting of group) waiting.reject(error);
        continue;
      }
      this.groupStats.commits += 1;
      this.groupStats.batches += group.length;
      group.forEach((waiting, i) => {
        const outcome = outcomes[i]!;
        if (typeof outcome === 'number') waiting.resolve({ stored: outcome, duplicates: waiting.batch.events.length - outcome });
        else waiting.reject(outcome.error);
      });
    }
  }

  async readPage(query: EventQuery): Promise<EventPage> {
    return this.page(query);
  }

  async countEvents(): Promise<number> {
    return this.count();
  }

  async findEvent(id: string): Promise<StoredEvent | undefined> {
    return this.get(id);
  }

  async listEvents(): Promise<StoredEvent[]> {
    return this.all();
  }

  async pruneReceivedBefore(cutoff: Date): Promise<number> {
    return this.db.prepare('DELETE FROM events WHERE received_at < ?').run(cutoff.toISOString()).changes;
  }

  async addToken(record: TokenRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO tokens (hash, user_name, admin, created_at) VALUES (?, ?, ?, ?)')
      .run(record.hash, record.user, record.admin ? 1 : 0, record.createdAt);
  }

  async findToken(hash: string): Promise<TokenRecord | undefined> {
    const row = this.db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE hash = ?').get(hash);
    return row ? toTokenRecord(row) : undefined;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return this.db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY user_name, created_at').all().map(toTokenRecord);
  }

  async revokeTokens(match: { user: string } | { hash: string }): Promise<number> {
    return 'user' in match
      ? this.db.prepare('DELETE FROM tokens WHERE user_name = ?').run(match.user).changes
      : this.db.prepare('DELETE FROM tokens WHERE hash = ?').run(match.hash).changes;
  }

  async ping(): Promise<void> {
    this.pingStmt.get();
  }

  async close(): Promise<void> {
    // Batches already handed over are committed (and answered) before the file closes.
    if (this.db.open) this.flush();
    if (this.db.open) this.db.close();
  }
}
