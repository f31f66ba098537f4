// GET /events with 1,000,000 stored events, on SQLite and on PostgreSQL: the time of a page
// over real HTTP on loopback (request to parsed JSON), first page and filtered first pages.
// Prints numbers; never fails on time.
// npx tsx bench/collector-events-page.ts [--engine sqlite|postgres|both] [--rows 1000000] [--requests 100]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore, startCollector } from '../collector/start';
import { startTestPostgres } from '../tests/unit/collector/postgres-server';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'both' },
    rows: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '100' },
  },
});
const rows = Number(values.rows);
const requests = Number(values.requests);
const TOKEN = 'bench-token';
const USERS = 20;
const HOSTS = 50;
/** Arrivals start here, one a second. */
const EPOCH_SECONDS = Date.parse('2026-01-01T00:00:00.000Z') / 1000;

// Generated inside the database: a million rows through HTTP would measure ingest, not paging.
// Row i: user i mod 20, host i mod 50, every tenth a SEARCH.
const SQLITE_FILL = `
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
  INSERT INTO events (id, sender, action, host, timestamp, received_at, event)
  SELECT id, sender, action, host, ts, ts,
    json_object('id', id, 'action', action, 'timestamp', ts, 'url', url, 'params', json_object('title', 'Page ' || i, 'truncated', json('true')))
  FROM (
    SELECT i, printf('00000000-0000-7000-8000-%012d', i) AS id, 'user' || (i % ${USERS}) AS sender,
      CASE WHEN i % 10 = 0 THEN 'SEARCH' ELSE 'VIEW' END AS action,
      'https://h' || (i % ${HOSTS}) || '.example.com/page-' || i AS url, 'h' || (i % ${HOSTS}) || '.example.com' AS host,
      strftime('%Y-%m-%dT%H:%M:%fZ', ${EPOCH_SECONDS} + i, 'unixepoch') AS ts
    FROM n
  )`;

const POSTGRES_FILL = `
  INSERT INTO events (id, sender, action, host, timestamp, received_at, event)
  SELECT id, sender, action, host, ts, ts,
    json_build_object('id', id, 'action', action, 'timestamp', ts, 'url', url, 'params', json_build_object('title', 'Page ' || i, 'truncated', true))::text
  FROM (
    SELECT i, '00000000-0000-7000-8000-' || lpad(i::text, 12, '0') AS id, 'user' || (i % ${USERS}) AS sender,
      CASE WHEN i % 10 = 0 THEN 'SEARCH' ELSE 'VIEW' END AS action,
      'https://h' || (i % ${HOSTS}) || '.example.com/page-' || i AS url, 'h' || (i % ${HOSTS}) || '.example.com' AS host,
      to_char(to_timestamp(${EPOCH_SECONDS} + i) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ts
    FROM generate_series(1, ${rows}) AS i
  ) AS generated`;

/** The pages measured: what a person or a dashboard asks first. */
const QUERIES = [
  ['first page', 'limit=50'],
  ['first page of a user', 'limit=50&user=user7'],
  ['first page of a host', 'limit=50&host=h3.example.com'],
  ['first page of an action (SEARCH, 10%)', 'limit=50&action=SEARCH'],
  ['a page deep in the table (before the 500,000th)', 'limit=50&before=500000'],
  ['first page of a time range', `limit=50&since=${new Date((EPOCH_SECONDS + rows / 2) * 1000).toISOString()}&until=${new Date((EPOCH_SECONDS + rows / 2 + 3600) * 1000).toISOString()}`],
] as const;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function measure(engine: string, database: string): Promise<void> {
  const collector = await startCollector({ port: 0, database, token: TOKEN });
  try {
    console.log(`GET /events [${engine}], ${(await collector.store.countEvents()).toLocaleString('en')} events stored, ${requests} requests each:`);
    for (const [name, query] of QUERIES) {
      const url = `${collector.eventsUrl}?${query}`;
      const headers = { Authorization: `Bearer ${TOKEN}` };
      const times: number[] = [];
      for (let i = 0; i < requests + 10; i++) {
        const t0 = performance.now();
        const response = await fetch(url, { headers });
        const body = (await response.json()) as { events: unknown[] };
        const ms = performance.now() - t0;
        if (response.status !== 200 || body.events.length !== 50) throw new Error(`${name}: ${response.status}, ${body.events.length} events`);
        // The first ten warm the connection and the caches.
        if (i >= 10) times.push(ms);
      }
      times.sort((a, b) => a - b);
      console.log(`  ${name}: median ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms`);
    }
    // A retention round (--keep-days) that finds the oldest 1% expired: what the arrival-time
    // index (or its absence) costs the hourly delete.
    const cutoff = new Date((EPOCH_SECONDS + rows / 100 + 1) * 1000);
    const t0 = performance.now();
    const deleted = await collector.store.pruneReceivedBefore(cutoff);
    console.log(`  retention round deleting the oldest ${deleted.toLocaleString('en')} events: ${(performance.now() - t0).toFixed(1)} ms`);
  } finally {
    await collector.close();
  }
}

async function benchSqlite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'collector-bench-page-'));
  try {
    const file = join(dir, 'page.sqlite');
    await (await openStore(file)).close();
    const db = new Database(file);
    const t0 = performance.now();
    db.exec(SQLITE_FILL);
    db.close();
    console.log(`(filled ${rows} rows into SQLite in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    await measure('sqlite', file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(): Promise<void> {
  const postgres = await startTestPostgres({ durable: true });
  try {
    await (await openStore(postgres.adminUrl)).close();
    const client = new pg.Client({ connectionString: postgres.adminUrl });
    await client.connect();
    const t0 = performance.now();
    await client.query(POSTGRES_FILL);
    // What autovacuum would do after a bulk load: the planner's statistics and the visibility map.
    await client.query('VACUUM ANALYZE events');
    await client.end();
    console.log(`(filled ${rows} rows into PostgreSQL in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    await measure('postgres', postgres.adminUrl);
  } finally {
    postgres.destroy();
  }
}

async function main(): Promise<void> {
  if (values.engine !== 'postgres') await benchSqlite();
  if (values.engine !== 'sqlite') await benchPostgres();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
