import pg from 'pg';
import type { ActivityEvent } from '../src/model/activity-event';
import { encodeBatch, FILTER_INDEXES_SQL, pageConditions, STORED_EVENT_COLUMNS, toEventPage, toStoredEvent, toTokenRecord } from './event-store';
import { textArrayParameter } from './pg-text-array';
import type { EncodedBatch, EventPage, EventQuery, EventStore, InsertResult, StoredEvent, StoredEventRow, TokenRecord, TokenRow } from './event-store';

/**
 * Versioned migrations, each applied once in its own transaction and recorded in
 * `schema_migrations`. Never edit one that shipped: add the next. The same steps as SQLite's.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  // 1: the events. `id` is UNIQUE but nullable: events without an id are all kept.
  // `event` is text, not jsonb, so it is kept exactly as the client sent it (key order included).
  `CREATE TABLE events (
     seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     id          text UNIQUE,
     action      text NOT NULL,
     url         text NOT NULL,
     timestamp   text NOT NULL,
     received_at text NOT NULL,
     event       text NOT NULL
   )`,
  // 2: people: sender per event, hashed tokens, and an index ending in seq per filter.
  `ALTER TABLE events ADD COLUMN sender text;
   ALTER TABLE events ADD COLUMN host text NOT NULL DEFAULT '';
   UPDATE events SET host = lower(substring(url from '^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/?#]*@)?([^:/?#]*)'));
   ${FILTER_INDEXES_SQL}
   CREATE TABLE tokens (
     hash       text PRIMARY KEY,
     user_name  text NOT NULL,
     admin      boolean NOT NULL,
     created_at text NOT NULL
   );
   CREATE INDEX tokens_user ON tokens (user_name);`,
  // 3: ingest cost (docs/design.md §9). `url` goes: no query reads it (the host filter has its
  // own column, the url is in the stored event). Arrival time is only read by retention, a
  // range delete of the oldest rows, and rows are appended in arrival order, so a BRIN index
  // (a few pages for the whole table) finds them instead of a B-tree written on every insert.
  `ALTER TABLE events DROP COLUMN url;
   DROP INDEX events_received_at;
   CREATE INDEX events_received_at ON events USING brin (received_at);`,
];

export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.length;

/** Any constant: every collector process takes this lock while it migrates, one after another. */
const MIGRATION_LOCK = 727_100_016;

/** Codes of failures that a retry of the same batch may get past (deadlock, serialization). */
const RETRYABLE_TX_CODES = new Set(['40001', '40P01']);

/** The URL without its password, for the start banner and errors. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}

/**
 * The team engine: one PostgreSQL database that any number of collector processes share.
 * Every batch is one INSERT … SELECT FROM ROWS FROM (unnest(…), …) ON CONFLICT (id) DO NOTHING: atomic on its
 * own, and first-wins across processes because the unique index decides, not the process.
 */
export class PostgresEventStore implements EventStore {
  readonly engine = 'postgres';
  readonly location: string;
  private readonly pool: pg.Pool;

  private constructor(url: string, pool: pg.Pool) {
    this.location = redactUrl(url);
    this.pool = pool;
  }

  /** Connects, migrates, and answers once the schema is current. */
  static async open(url: string, options: { maxConnections?: number } = {}): Promise<PostgresEventStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      // Fail a request rather than queue it for ever while the database is unreachable.
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection that the server drops (restart, failover) must not crash the process:
    // the pool replaces it, and requests meanwhile get 503.
    pool.on('error', () => {});
    const store = new PostgresEventStore(url, pool);
    try {
      await store.migrate();
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
      const version = rows[0]?.version ?? 0;
      if (version > POSTGRES_MIGRATIONS.length) {
        throw new Error(`${this.location} has schema version ${version}, newer than this collector understands (${POSTGRES_MIGRATIONS.length})`);
      }
      for (let next = version + 1; next <= POSTGRES_MIGRATIONS.length; next++) {
        await client.query(POSTGRES_MIGRATIONS[next - 1]!);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [next]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async appendBatch(events: readonly ActivityEvent[], user: string | null, receivedAt: Date = new Date()): Promise<InsertResult> {
    return this.appendEncoded(encodeBatch(events), user, receivedAt);
  }

  async appendEncoded({ events, hosts, texts }: EncodedBatch, user: string | null, receivedAt: Date = new Date()): Promise<InsertResult> {
    if (events.length === 0) return { stored: 0, duplicates: 0 };
    const ids: (string | null)[] = new Array(events.length);
    const actions: string[] = new Array(events.length);
    const timestamps: string[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      ids[i] = event.id ?? null;
      actions[i] = event.action;
      timestamps[i] = event.timestamp;
    }
    // Every column goes as a binary text[] (textArrayParameter), the events as the bytes the
    // client sent for each: stored verbatim, and nothing escaped by the client or parsed by the
    // server per event. ROWS FROM zips the arrays in the batch's order, so of two equal ids in
    // one batch the first is inserted and the second conflicts.
    const text = `INSERT INTO events (id, sender, action, host, timestamp, received_at, event)
      SELECT id, $2, action, host, timestamp, $3, event
      FROM ROWS FROM (unnest($1::text[]), unnest($4::text[]), unnest($5::text[]), unnest($6::text[]), unnest($7::text[]))
        AS batch (id, action, host, timestamp, event)
      ON CONFLICT (id) DO NOTHING`;
    const values = [
      textArrayParameter(ids),
      user,
      receivedAt.toISOString(),
      textArrayParameter(actions),
      textArrayParameter(hosts),
      textArrayParameter(timestamps),
      textArrayParameter(texts),
    ];
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.pool.query(text, values);
        const stored = result.rowCount ?? 0;
        return { stored, duplicates: events.length - stored };
      } catch (error) {
        if (attempt >= 3 || !RETRYABLE_TX_CODES.has((error as { code?: string }).code ?? '')) throw error;
      }
    }
  }

  /** The rows of one query. */
  private async rows<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.pool.query<R>(text, values)).rows;
  }

  async readPage(query: EventQuery): Promise<EventPage> {
    const conditions = pageConditions(query);
    const where = conditions.length > 0 ? `WHERE ${conditions.map(({ column, operator }, i) => `${column} ${operator} $${i + 1}`).join(' AND ')}` : '';
    const rows = await this.rows<StoredEventRow>(
      `SELECT ${STORED_EVENT_COLUMNS} FROM events ${where} ORDER BY seq DESC LIMIT $${conditions.length + 1}`,
      [...conditions.map(({ value }) => value), query.limit + 1],
    );
    return toEventPage(rows, query.limit);
  }

  async countEvents(): Promise<number> {
    const [row] = await this.rows<{ n: string }>('SELECT count(*) AS n FROM events');
    return Number(row?.n ?? 0);
  }

  async findEvent(id: string): Promise<StoredEvent | undefined> {
    const [row] = await this.rows<StoredEventRow>(`SELECT ${STORED_EVENT_COLUMNS} FROM events WHERE id = $1`, [id]);
    return row ? toStoredEvent(row) : undefined;
  }

  async listEvents(): Promise<StoredEvent[]> {
    return (await this.rows<StoredEventRow>(`SELECT ${STORED_EVENT_COLUMNS} FROM events ORDER BY seq ASC`)).map(toStoredEvent);
  }

  async pruneReceivedBefore(cutoff: Date): Promise<number> {
    const result = await this.pool.query('DELETE FROM events WHERE received_at < $1', [cutoff.toISOString()]);
    return result.rowCount ?? 0;
  }

  async addToken(record: TokenRecord): Promise<void> {
    await this.pool.query('INSERT INTO tokens (hash, user_name, admin, created_at) VALUES ($1, $2, $3, $4)', [
      record.hash,
      record.user,
      record.admin,
      record.createdAt,
    ]);
  }

  async findToken(hash: string): Promise<TokenRecord | undefined> {
    const [row] = await this.rows<TokenRow>('SELECT * FROM tokens WHERE hash = $1', [hash]);
    return row ? toTokenRecord(row) : undefined;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (await this.rows<TokenRow>('SELECT * FROM tokens ORDER BY user_name, created_at')).map(toTokenRecord);
  }

  async revokeTokens(match: { user: string } | { hash: string }): Promise<number> {
    const result =
      'user' in match
        ? await this.pool.query('DELETE FROM tokens WHERE user_name = $1', [match.user])
        : await this.pool.query('DELETE FROM tokens WHERE hash = $1', [match.hash]);
    return result.rowCount ?? 0;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  private closing: Promise<void> | undefined;

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}

/** True for a failure of reaching the database (down, restarting, refusing connections): worth a retry later. */
export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // 08: connection exceptions; 57P01-57P03: shutting down / cannot connect now; 53300: too many connections.
    if (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)) {
      return true;
    }
  }
  const message = String((error as Error)?.message ?? '');
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(message);
}
