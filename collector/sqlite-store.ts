import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { ActivityEvent } from '../src/model/activity-event';
import { encodeBatch, FILTER_INDEXES_SQL, hostOf, pageConditions, STORED_EVENT_COLUMNS, toEventPage, toStoredEvent, toTokenRecord } from './event-store';
import { openSqliteConnection, SqliteBatchWriter, toWriteBatch, type GroupCommitStats, type WriteBatch } from './sqlite-batch-writer';
import { SqliteWriterThread } from './sqlite-writer';
import { TurnBatcher } from './turn-batcher';
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

/** Where `appendEncoded` commits: a writer thread of its own (files), or the collector's thread. */
export type SqliteWriterMode = 'thread' | 'inline';

export interface SqliteStoreOptions {
  /** Default: `thread` for a file, `inline` for `:memory:` and `file:` URIs (another connection could not see them). */
  writer?: SqliteWriterMode;
}

/** A batch handed to `appendEncoded` while the writer is inline, waiting for the next group commit. */
interface PendingBatch {
  batch: WriteBatch;
  resolve: (stored: number) => void;
  reject: (error: unknown) => void;
}

/**
 * The embedded engine: one SQLite file. Its work is synchronous (better-sqlite3), so besides
 * the EventStore interface it offers synchronous reads for tests and tools on the same file.
 * The batches of `appendEncoded` are group-committed by a writer thread (docs/design.md §9),
 * so the collector's thread goes on parsing and validating while a commit writes and syncs.
 */
export class SqliteEventStore implements EventStore {
  readonly engine = 'sqlite';
  readonly file: string;
  readonly location: string;
  readonly writerMode: SqliteWriterMode;
  private readonly db: Database.Database;
  /** This connection's writer: the synchronous inserts, and `appendEncoded` when inline. */
  private readonly writer: SqliteBatchWriter;
  private readonly writerThread: SqliteWriterThread | undefined;
  private readonly inline: TurnBatcher<PendingBatch>;
  private readonly pageStatements = new Map<string, Database.Statement<unknown[], StoredEventRow>>();
  private readonly countStmt: Database.Statement<[], { n: number }>;
  private readonly byIdStmt: Database.Statement<[string], StoredEventRow>;
  private readonly allStmt: Database.Statement<[], StoredEventRow>;
  private readonly pingStmt: Database.Statement<[], unknown>;

  constructor(file: string, options: SqliteStoreOptions = {}) {
    this.file = file;
    const onDisk = file !== ':memory:' && !file.startsWith('file:');
    this.location = onDisk ? resolve(file) : file;
    if (onDisk) mkdirSync(dirname(file), { recursive: true });
    this.db = openSqliteConnection(file);
    this.migrate();
    this.writer = new SqliteBatchWriter(this.db);
    this.writerMode = options.writer ?? (onDisk ? 'thread' : 'inline');
    // Started after the migrations: the thread's connection finds the schema current.
    this.writerThread = this.writerMode === 'thread' ? new SqliteWriterThread(this.location) : undefined;
    this.inline = new TurnBatcher((pending) => {
      const outcomes = this.writer.commit(pending.map(({ batch }) => batch));
      pending.forEach(({ resolve, reject }, i) => {
        const outcome = outcomes[i]!;
        if ('stored' in outcome) resolve(outcome.stored);
        else reject(outcome.error);
      });
    });
    this.countStmt = this.db.prepare('SELECT count(*) AS n FROM events');
    this.byIdStmt = this.db.prepare(`SELECT ${STORED_EVENT_COLUMNS} FROM events WHERE id = ?`);
    this.allStmt = this.db.prepare(`SELECT ${STORED_EVENT_COLUMNS} FROM events ORDER BY seq ASC`);
    this.pingStmt = this.db.prepare('SELECT 1');
  }

  /** How well `appendEncoded`'s group commit groups: transactions committed, and the batches in them. */
  get groupStats(): GroupCommitStats {
    return this.writerThread?.stats ?? this.writer.stats;
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
    const stored = this.writer.insert(toWriteBatch(batch, user, receivedAt));
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
   * Queues the batch for the next group commit (docs/design.md §9), which takes every batch
   * handed over in this turn of the event loop (and, in the writer thread, every one that arrived
   * while the previous commit ran); resolves only after that commit returned, so a 200 still
   * means the batch is in the database, all of it.
   */
  appendEncoded(batch: EncodedBatch, user: string | null, receivedAt: Date = new Date()): Promise<InsertResult> {
    if (batch.events.length === 0) return Promise.resolve({ stored: 0, duplicates: 0 });
    if (!this.db.open) return Promise.reject(new Error('the SQLite store is closed'));
    const write = toWriteBatch(batch, user, receivedAt);
    const stored = this.writerThread
      ? this.writerThread.append(write)
      : new Promise<number>((resolve, reject) => this.inline.push({ batch: write, resolve, reject }));
    return stored.then((count) => ({ stored: count, duplicates: batch.events.length - count }));
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

  /** In the writer's connection, so a large delete does not hold the thread that answers requests. */
  async pruneReceivedBefore(cutoff: Date): Promise<number> {
    if (this.writerThread) return this.writerThread.prune(cutoff.toISOString());
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

  /** Both connections: a writer thread that cannot start or open the file fails it (WRITER_STOPPED). */
  async ping(): Promise<void> {
    this.pingStmt.get();
    await this.writerThread?.ping();
  }

  async close(): Promise<void> {
    // Batches already handed over are committed (and answered) before the file closes.
    await this.writerThread?.close();
    if (this.db.open) this.inline.flush();
    if (this.db.open) this.db.close();
  }
}
