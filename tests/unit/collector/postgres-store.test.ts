import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION, PostgresEventStore } from '../../../collector/postgres-store';
import { textArrayParameter } from '../../../collector/pg-text-array';
import { makeEvent, newPostgresDatabase } from './helpers';

/** A client of the test's database, closed after the test. */
async function connect(database: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  onTestFinished(() => client.end());
  return client;
}

async function schemaOf(client: pg.Client): Promise<{ columns: string[]; receivedAtIndex: string | undefined; version: number }> {
  const columns = await client.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'events' ORDER BY ordinal_position`,
  );
  const index = await client.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'events_received_at'`);
  const version = await client.query<{ version: number }>('SELECT max(version) AS version FROM schema_migrations');
  return { columns: columns.rows.map((row) => row.column_name), receivedAtIndex: index.rows[0]?.indexdef, version: version.rows[0]!.version };
}

describe('PostgresEventStore migrations', () => {
  it('creates the newest schema: no url column, a BRIN index on the arrival time', async () => {
    const database = await newPostgresDatabase();
    const store = await PostgresEventStore.open(database);
    await store.close();
    const schema = await schemaOf(await connect(database));
    expect(schema.version).toBe(POSTGRES_SCHEMA_VERSION);
    expect(schema.columns).toEqual(['seq', 'id', 'action', 'timestamp', 'received_at', 'event', 'sender', 'host']);
    expect(schema.receivedAtIndex).toMatch(/USING brin \(received_at\)/);
  });

  it('migrates a version 2 database, keeping its events, ids and retention', async () => {
    const database = await newPostgresDatabase();
    const client = await connect(database);
    await client.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    for (const [i, migration] of POSTGRES_MIGRATIONS.slice(0, 2).entries()) {
      await client.query(migration);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [i + 1]);
    }
    const old = makeEvent({ url: 'https://old.example/page' });
    await client.query(
      `INSERT INTO events (id, sender, action, url, host, timestamp, received_at, event) VALUES ($1, 'ann', $2, $3, 'old.example', $4, '2026-01-01T00:00:00.000Z', $5)`,
      [old.id, old.action, old.url, old.timestamp, JSON.stringify(old)],
    );

    const store = await PostgresEventStore.open(database);
    onTestFinished(() => store.close());
    expect(await schemaOf(client)).toMatchObject({ version: 3, receivedAtIndex: expect.stringMatching(/USING brin/) });
    expect(await store.listEvents()).toEqual([{ seq: 1, receivedAt: '2026-01-01T00:00:00.000Z', user: 'ann', event: old }]);
    expect((await store.readPage({ limit: 5, host: 'old.example' })).events).toHaveLength(1);
    expect(await store.appendBatch([old], 'bob')).toEqual({ stored: 0, duplicates: 1 });
    expect(await store.pruneReceivedBefore(new Date('2026-01-02T00:00:00.000Z'))).toBe(1);
  });
});

describe('textArrayParameter', () => {
  it('is read by PostgreSQL as the same text[]: nulls, empty strings, quotes, braces, escapes, non-ASCII, bytes', async () => {
    const client = await connect(await newPostgresDatabase());
    const values = ['plain', '', null, 'a "quoted", {braced} \\ back\\slash', 'NULL', '例え ü 🚀', Buffer.from('{"id":"x","t":"\\u00fc"}', 'utf8')];
    const { rows } = await client.query<{ value: (string | null)[]; n: number }>('SELECT $1::text[] AS value, cardinality($1::text[]) AS n', [textArrayParameter(values)]);
    expect(rows[0]!.n).toBe(values.length);
    expect(rows[0]!.value).toEqual(values.map((value) => (Buffer.isBuffer(value) ? value.toString('utf8') : value)));
  });

  it('is refused by PostgreSQL when an element holds a NUL, as text cannot', async () => {
    const client = await connect(await newPostgresDatabase());
    await expect(client.query('SELECT $1::text[]', [textArrayParameter(['VIEW\u0000'])])).rejects.toThrow(/0x00/);
  });
});
