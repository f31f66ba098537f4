import type { ActivityEvent } from '../src/model/activity-event';

/** One received event with what the collector knows about its arrival. */
export interface StoredEvent {
  /** Arrival order, 1-based; also the paging cursor of `GET /events`. */
  seq: number;
  receivedAt: string;
  /** The user whose token sent it; null for events stored before users existed. */
  user: string | null;
  /** The event exactly as the client sent it. */
  event: ActivityEvent;
}

/**
 * A valid batch as the engines write it (docs/design.md §9): the events, the host each is filed
 * under, and their JSON as UTF-8 bytes — the client's own bytes when the body could be cut
 * into its events (`findEventSpans`), else the parsed events serialised (`encodeBatch`).
 */
export interface EncodedBatch {
  events: readonly ActivityEvent[];
  /** `hostOf(event.url)` of each event. */
  hosts: readonly string[];
  /** Each event's JSON text. */
  texts: readonly Buffer[];
}

/** The batch of events given as objects (tests, tools, a body that could not be cut apart). */
export function encodeBatch(events: readonly ActivityEvent[], hosts: readonly string[] = events.map((event) => hostOf(event.url))): EncodedBatch {
  const texts = events.map((event) => Buffer.from(JSON.stringify(event), 'utf8'));
  return { events, hosts, texts };
}

export interface InsertResult {
  /** Events newly stored. */
  stored: number;
  /** Events skipped because an event with the same id was stored before (first wins). */
  duplicates: number;
}

/** What `GET /events` may ask for; every filter is optional and they combine with AND. */
export interface EventQuery {
  limit: number;
  /** A `seq` from an earlier page: only older arrivals. */
  before?: number | undefined;
  user?: string | undefined;
  action?: string | undefined;
  /** Host of the event's url, lower case (`docs.example.com`). */
  host?: string | undefined;
  /** The event's own `timestamp`, ISO 8601 UTC: since inclusive, until exclusive. */
  since?: string | undefined;
  until?: string | undefined;
}

export interface EventPage {
  events: StoredEvent[];
  /** Pass as `before` to get the next (older) page; null when this page is the last. */
  nextBefore: number | null;
}

/** A person's token as stored: only its SHA-256, never the token. */
export interface TokenRecord {
  /** Hex SHA-256 of the token. */
  hash: string;
  user: string;
  /** May read every user's events. */
  admin: boolean;
  createdAt: string;
}

/**
 * The collector's storage, whatever the engine (docs/design.md §9): a batch is appended first-wins
 * by id in one atomic step, pages are read newest first by an index, and tokens are looked up
 * by hash on every request (so a revoked token is refused at once, by every process).
 */
export interface EventStore {
  readonly engine: 'sqlite' | 'postgres';
  /** Where the data is, for the start banner (a URL without its password). */
  readonly location: string;
  /** Appends a batch given as objects: `appendEncoded(encodeBatch(events), …)`. */
  appendBatch(events: readonly ActivityEvent[], user: string | null, receivedAt?: Date): Promise<InsertResult>;
  /** Appends a validated batch first-wins by id, all or nothing. */
  appendEncoded(batch: EncodedBatch, user: string | null, receivedAt?: Date): Promise<InsertResult>;
  readPage(query: EventQuery): Promise<EventPage>;
  countEvents(): Promise<number>;
  findEvent(id: string): Promise<StoredEvent | undefined>;
  /** Every event in arrival order (oldest first); meant for tests and small stores. */
  listEvents(): Promise<StoredEvent[]>;
  /** Deletes events received before `cutoff`; returns how many. */
  pruneReceivedBefore(cutoff: Date): Promise<number>;
  addToken(record: TokenRecord): Promise<void>;
  findToken(hash: string): Promise<TokenRecord | undefined>;
  listTokens(): Promise<TokenRecord[]>;
  /** Removes the tokens of `user`, or the one token with this hash; returns how many. */
  revokeTokens(match: { user: string } | { hash: string }): Promise<number>;
  /** Cheap liveness check of the database connection. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The host an event is filed under: its url's hostname, lower case. */
export function hostOf(url: string | URL): string {
  try {
    return (typeof url === 'string' ? new URL(url) : url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * Migration 2's indexes, the same statements on both engines: one per filter of `GET /events`,
 * each ending in seq so a filtered page is a range scan; and arrival time, for retention.
 */
export const FILTER_INDEXES_SQL = `
  CREATE INDEX events_sender_seq ON events (sender, seq);
  CREATE INDEX events_action_seq ON events (action, seq);
  CREATE INDEX events_host_seq ON events (host, seq);
  CREATE INDEX events_received_at ON events (received_at);`;

/** The columns a StoredEvent is read from, in both engines. */
export const STORED_EVENT_COLUMNS = 'seq, received_at, sender, event';

/** A row of `events` as either engine returns it (PostgreSQL's bigint `seq` arrives as text). */
export interface StoredEventRow {
  seq: number | string;
  received_at: string;
  sender: string | null;
  event: string;
}

/** A row of `tokens` as either engine returns it (SQLite has no boolean: `admin` is 0 or 1). */
export interface TokenRow {
  hash: string;
  user_name: string;
  admin: boolean | number;
  created_at: string;
}

export function toStoredEvent(row: StoredEventRow): StoredEvent {
  return { seq: Number(row.seq), receivedAt: row.received_at, user: row.sender, event: JSON.parse(row.event) as ActivityEvent };
}

export function toTokenRecord(row: TokenRow): TokenRecord {
  return { hash: row.hash, user: row.user_name, admin: row.admin === true || row.admin === 1, createdAt: row.created_at };
}

/** One condition of a page query: `column operator <value>`, the placeholder left to the engine. */
export interface PageCondition {
  column: 'seq' | 'sender' | 'action' | 'host' | 'timestamp';
  operator: '<' | '=' | '>=';
  value: string | number;
}

/** The WHERE conditions of a page, in the order both engines write them (docs/design.md §9). */
export function pageConditions(query: EventQuery): PageCondition[] {
  const conditions: PageCondition[] = [];
  if (query.before !== undefined) conditions.push({ column: 'seq', operator: '<', value: query.before });
  if (query.user !== undefined) conditions.push({ column: 'sender', operator: '=', value: query.user });
  if (query.action !== undefined) conditions.push({ column: 'action', operator: '=', value: query.action });
  if (query.host !== undefined) conditions.push({ column: 'host', operator: '=', value: query.host });
  if (query.since !== undefined) conditions.push({ column: 'timestamp', operator: '>=', value: query.since });
  if (query.until !== undefined) conditions.push({ column: 'timestamp', operator: '<', value: query.until });
  return conditions;
}

/**
 * A page from the rows of a query asked for `limit + 1` rows newest first: the one extra row
 * tells whether an older page exists, without a second query or a count.
 */
export function toEventPage(rows: readonly StoredEventRow[], limit: number): EventPage {
  const events = rows.slice(0, limit).map(toStoredEvent);
  return { events, nextBefore: rows.length > limit ? (events.at(-1)?.seq ?? null) : null };
}
