import Database from 'better-sqlite3';
import type { EncodedBatch } from './event-store';

/**
 * A batch as the SQLite writer takes it: plain columns and one byte array, so it crosses to the
 * writer thread by structured clone without a per-event object (docs/design.md §9).
 */
export interface WriteBatch {
  ids: (string | null)[];
  actions: string[];
  hosts: readonly string[];
  timestamps: string[];
  /** Every event's JSON as UTF-8, one after the other. */
  texts: Uint8Array;
  /** Where each event's JSON ends in `texts`. */
  ends: Uint32Array;
  /** The user whose token sent the batch. */
  user: string | null;
  receivedAt: string;
}

export function toWriteBatch({ events, hosts, texts }: EncodedBatch, user: string | null, receivedAt: Date): WriteBatch {
  const count = events.length;
  const ids: (string | null)[] = new Array(count);
  const actions: string[] = new Array(count);
  const timestamps: string[] = new Array(count);
  const ends = new Uint32Array(count);
  let end = 0;
  for (let i = 0; i < count; i++) {
    const event = events[i]!;
    ids[i] = event.id ?? null;
    actions[i] = event.action;
    timestamps[i] = event.timestamp;
    end += texts[i]!.length;
    ends[i] = end;
  }
  return { ids, actions, hosts, timestamps, texts: Buffer.concat(texts as Buffer[], end), ends, user, receivedAt: receivedAt.toISOString() };
}

/** What became of one batch of a commit: how many of its events were new, or why it failed. */
export type WriteOutcome = { stored: number } | { error: unknown };

/** How well group commit groups: transactions committed, and the batches in them. */
export interface GroupCommitStats {
  commits: number;
  batches: number;
}

/** Rows per multi-row INSERT: 100 × 5 parameters stays far below SQLite's limit of 32,766. */
const ROWS_PER_STATEMENT = 100;
/** Parameters of each row; the sender and the arrival time are one named parameter each for all rows. */
const COLUMNS = 5;

/**
 * Most events one group commit takes (docs/design.md §9): the batches waiting beyond it go in
 * the next transaction, so one commit never holds its thread for more than a few ms.
 */
export const MAX_EVENTS_PER_COMMIT = 5000;

/** The connection settings of every connection to a collector's SQLite file. */
export function openSqliteConnection(file: string): Database.Database {
  const db = new Database(file);
  // WAL lets `GET /events` (and another process inspecting the file) read while batches commit.
  // synchronous=FULL syncs the WAL at every commit, and a 200 is only sent after the commit
  // returned: the client deletes what was answered, so an answered batch must survive a power
  // cut too, not only a crash of the process (NORMAL's promise). Group commit shares the sync
  // among the batches of a commit (docs/design.md §9; its cost: BENCHMARKS.md).
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  // Checkpoint every 10,000 pages (~40 MiB of WAL) rather than SQLite's 1,000: a checkpoint
  // runs inside the commit that triggers it, with its fsyncs; fewer and larger ones write the
  // index pages every batch touches once instead of ten times.
  db.pragma('wal_autocheckpoint = 10000');
  // A multi-row INSERT inside a transaction keeps a statement journal (to undo just that
  // statement if a row fails), and past 64 KiB SQLite spills it to a temporary file: ~19
  // more pwrite calls per statement of 100 rows (strace). In memory it costs no system call
  // (system CPU per event about halved, BENCHMARKS.md); nothing reads it after a crash.
  db.pragma('temp_store = MEMORY');
  return db;
}

/**
 * Writes batches into the `events` table of an open, migrated connection: one batch as one
 * transaction, or a group of batches as one transaction with a savepoint each (group commit,
 * docs/design.md §9). First-wins by id; the event's JSON bound as the bytes it arrived in (a
 * blob cast to text by the statement: no serialisation, no string conversion per event).
 */
export class SqliteBatchWriter {
  readonly stats: GroupCommitStats = { commits: 0, batches: 0 };
  private readonly statements = new Map<number, Database.Statement<unknown[]>>();
  private readonly insertTx: (batch: WriteBatch) => number;
  private readonly groupTx: (group: readonly WriteBatch[]) => WriteOutcome[];

  constructor(private readonly db: Database.Database) {
    // A better-sqlite3 transaction called inside another is a savepoint: a batch is stored
    // completely or not at all, and in a group one that fails is rolled back alone.
    this.insertTx = db.transaction((batch: WriteBatch) => this.insertRows(batch));
    this.groupTx = db.transaction((group: readonly WriteBatch[]) =>
      group.map((batch) => {
        try {
          return { stored: this.insertTx(batch) };
        } catch (error) {
          return { error };
        }
      }),
    );
  }

  /** One batch in a transaction of its own; returns how many of its events were new. */
  insert(batch: WriteBatch): number {
    return this.insertTx(batch);
  }

  /**
   * Commits the batches in order, as few transactions as MAX_EVENTS_PER_COMMIT allows (but
   * always at least one batch each). A failed commit (busy, disk) fails every batch of its group.
   */
  commit(batches: readonly WriteBatch[]): WriteOutcome[] {
    const outcomes: WriteOutcome[] = [];
    for (let first = 0; first < batches.length; ) {
      let events = batches[first]!.ids.length;
      let next = first + 1;
      while (next < batches.length && events + batches[next]!.ids.length <= MAX_EVENTS_PER_COMMIT) {
        events += batches[next]!.ids.length;
        next += 1;
      }
      const group = batches.slice(first, next);
      try {
        outcomes.push(...this.groupTx(group));
        this.stats.commits += 1;
        this.stats.batches += group.length;
      } catch (error) {
        for (let i = 0; i < group.length; i++) outcomes.push({ error });
      }
      first = next;
    }
    return outcomes;
  }

  private insertRows(batch: WriteBatch): number {
    const { ids, actions, hosts, timestamps, ends, user, receivedAt } = batch;
    // Structured clone hands the thread a plain Uint8Array; better-sqlite3 binds Buffers as blobs.
    const texts = Buffer.isBuffer(batch.texts) ? batch.texts : Buffer.from(batch.texts.buffer, batch.texts.byteOffset, batch.texts.byteLength);
    let stored = 0;
    let start = 0;
    for (let offset = 0; offset < ids.length; offset += ROWS_PER_STATEMENT) {
      const rows = Math.min(ROWS_PER_STATEMENT, ids.length - offset);
      const values: unknown[] = new Array(rows * COLUMNS);
      let i = 0;
      for (let row = offset; row < offset + rows; row++) {
        values[i++] = ids[row];
        values[i++] = actions[row];
        values[i++] = hosts[row];
        values[i++] = timestamps[row];
        values[i++] = texts.subarray(start, ends[row]);
        start = ends[row]!;
      }
      // Bound once per statement, not once per row: each bound string is copied into SQLite.
      stored += this.statement(rows).run(values, { sender: user, receivedAt }).changes;
    }
    return stored;
  }

  private statement(rows: number): Database.Statement<unknown[]> {
    let statement = this.statements.get(rows);
    if (!statement) {
      const tuple = '(?, @sender, ?, ?, ?, @receivedAt, CAST(? AS TEXT))';
      statement = this.db.prepare(
        `INSERT INTO events (id, sender, action, host, timestamp, received_at, event)
         VALUES ${new Array(rows).fill(tuple).join(', ')}
         ON CONFLICT (id) DO NOTHING`,
      );
      this.statements.set(rows, statement);
    }
    return statement;
  }
}
