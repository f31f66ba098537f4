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
  appendBatch(events: readonly ActivityEvent[], user: string | null, receivedAt?: Date): Promise<InsertResult>;
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
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}
