import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { openStore } from '../../../collector/start';
import {
  describeEngines,
  getJson,
  makeEvent,
  newDatabase,
  newPostgresDatabase,
  output,
  postActivity,
  runCli,
  startCollectorProcess,
  tempDir,
  type Engine,
} from './helpers';

describe('npm run collector (collector/main.ts)', () => {
  it('prints its URL and generated token, serves, and stops on SIGTERM', async () => {
    const dbFile = join(tempDir(), 'cli.sqlite');
    const child = runCli(['--port', '0', '--db', dbFile, '--prefix', 'glean']);

    const text = await output(child, /Ctrl\+C/);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+\/glean)/.exec(text)?.[1];
    const token = /token\s+(\S+) \(generated for this run; fix one with --token or COLLECTOR_TOKEN=/.exec(text)?.[1];
    expect(url).toBeDefined();
    expect(token).toBeDefined();
    expect(text).toContain(`database    sqlite ${dbFile}`);

    const response = await fetch(`${url}/rest/api/v1/activity`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ events: [makeEvent()] }),
    });
    expect(response.status).toBe(200);

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 30_000);

  it('uses a configured token from the environment', async () => {
    const child = runCli(['--port', '0', '--db', join(tempDir(), 'cli.sqlite')], { COLLECTOR_TOKEN: 'from-env' });
    const text = await output(child, /Ctrl\+C/);
    expect(text).toMatch(/token\s+from-env \(configured\)/);
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 30_000);

  it('exits 2 with the problem and the usage on a bad setting', async () => {
    const child = runCli(['--port', 'eighty']);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port \/ COLLECTOR_PORT \("eighty"\)/);
    expect(stderr).toMatch(/Usage: npm run collector/);
  }, 30_000);
});

/** Runs `npm run collector -- token …` to its end. */
async function tokenCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = runCli(['token', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number];
  return { code, stdout, stderr };
}

describeEngines('tokens per person (npm run collector -- token …)', (engine) => {
  it('adds tokens stored hashed; each event records its sender; a user reads only their own; a revoked token gets 401 at once', async () => {
    const database = await newDatabase();
    const ann = await tokenCli(['add', 'ann', '--database', database]);
    expect(ann.code).toBe(0);
    const annToken = ann.stdout.split('\n')[0]!;
    expect(annToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ann.stdout).toMatch(/stored hashed/);
    const bobToken = (await tokenCli(['add', 'bob', '--database', database])).stdout.split('\n')[0]!;
    const adminToken = (await tokenCli(['add', 'lead', '--admin', '--database', database])).stdout.split('\n')[0]!;

    const listed = await tokenCli(['list', '--database', database]);
    expect(listed.stdout).toMatch(/^ann\t[0-9a-f]{12}\tno\t/m);
    expect(listed.stdout).toMatch(/^lead\t[0-9a-f]{12}\tyes\t/m);
    // Only hashes are stored: no token appears in the listing.
    for (const token of [annToken, bobToken, adminToken]) expect(listed.stdout).not.toContain(token);

    // A collector with people's tokens and no --token: none is generated, theirs work.
    const child = runCli(['--port', '0', '--database', database]);
    const text = await output(child, /Ctrl\+C/);
    expect(text).toMatch(/token\s+per person/);
    expect(text).toContain(`database    ${engine}`);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)![1]!;
    const collector = { activityUrl: `${url}/rest/api/v1/activity` };
    const auth = (token: string) => ({ 'Content-Type': 'application/json', Authorization: `Bearer ${token}` });
    const annEvent = makeEvent();
    const bobEvent = makeEvent();
    expect((await postActivity(collector, { events: [annEvent] }, auth(annToken))).status).toBe(200);
    expect((await postActivity(collector, { events: [bobEvent] }, auth(bobToken))).status).toBe(200);

    const asAnn = await getJson(`${url}/events`, auth(annToken));
    expect((asAnn.json.events as { user: string; event: { id: string } }[]).map((row) => [row.user, row.event.id])).toEqual([['ann', annEvent.id]]);
    expect((await getJson(`${url}/events?user=bob`, auth(annToken))).status).toBe(403);
    const asAdmin = await getJson(`${url}/events`, auth(adminToken));
    expect((asAdmin.json.events as { user: string }[]).map((row) => row.user)).toEqual(['bob', 'ann']);
    expect(((await getJson(`${url}/events?user=bob`, auth(adminToken))).json.events as unknown[])).toHaveLength(1);

    // Revoked from another process while this one runs: refused on the very next request.
    const revoked = await tokenCli(['revoke', 'ann', '--database', database]);
    expect(revoked).toMatchObject({ code: 0 });
    expect(revoked.stdout).toMatch(/revoked 1 token of ann/);
    expect((await postActivity(collector, { events: [makeEvent()] }, auth(annToken))).status).toBe(401);
    expect((await postActivity(collector, { events: [makeEvent()] }, auth(bobToken))).status).toBe(200);
    // By the token itself too.
    expect((await tokenCli(['revoke', bobToken, '--database', database])).stdout).toMatch(/revoked that token/);
    expect((await postActivity(collector, { events: [makeEvent()] }, auth(bobToken))).status).toBe(401);
    expect((await tokenCli(['revoke', 'nobody', '--database', database])).code).toBe(1);
    child.kill('SIGTERM');
    await once(child, 'exit');
  }, 120_000);
});

it('refuses a bad token command with the usage', async () => {
  const bad = await tokenCli(['add', 'not a name']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/the user must be/);
  expect(bad.stderr).toMatch(/token add USER/);
}, 30_000);

describe('two collector processes on one PostgreSQL', () => {
  it('store every event once when both receive the same 100 batches at once, and answer each batch truly', async () => {
    const database = await newPostgresDatabase();
    // Started together, so they also migrate the new database at the same time.
    const processes = await Promise.all([startCollectorProcess(database), startCollectorProcess(database)]);
    const batches = Array.from({ length: 100 }, () => Array.from({ length: 100 }, () => makeEvent()));

    // Each batch goes to both processes at the same moment; ten such pairs are in flight at a
    // time (a client's burst, not a queue long enough to wait out the pool's connect timeout).
    const answers: Awaited<ReturnType<typeof postActivity>>[][] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < batches.length) {
          const n = next++;
          answers[n] = await Promise.all(processes.map((collector) => postActivity(collector, { events: batches[n]! })));
        }
      }),
    );
    for (const pair of answers) {
      for (const { status, json } of pair) {
        expect(status).toBe(200);
        expect(json.received).toBe(100);
        expect(Number(json.stored) + Number(json.duplicates)).toBe(100);
      }
      // Each event of the batch was stored by exactly one of the two.
      expect(pair.reduce((sum, { json }) => sum + Number(json.stored), 0)).toBe(100);
    }

    const store = await openStore(database);
    onTestFinished(() => store.close());
    const rows = await store.listEvents();
    const ids = rows.map((row) => row.event.id);
    expect(ids).toHaveLength(10_000);
    expect(new Set(ids)).toEqual(new Set(batches.flat().map((event) => event.id)));
    expect(new Set(rows.map((row) => row.user))).toEqual(new Set(['default']));
  }, 120_000);
});

/**
 * Holds a collector's insert at the row with id `marker`, through a trigger in its database:
 * on PostgreSQL the row waits for an advisory lock the test holds; on SQLite the row runs a
 * query of billions of steps. Either way the statement has stored the rows before the marker
 * (inside its transaction) and is stuck in the middle of the batch.
 */
async function stallInsertAt(engine: Engine, database: string, marker: string) {
  if (engine === 'postgres') {
    const key = Math.floor(Math.random() * 2 ** 30);
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    onTestFinished(() => client.end());
    await client.query(`
      CREATE FUNCTION stall_at_marker() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id = '${marker}' THEN PERFORM pg_advisory_xact_lock(${key}); END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER stall_at_marker BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION stall_at_marker();`);
    await client.query('SELECT pg_advisory_lock($1)', [key]);
    const waiters = async () =>
      (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND pid <> pg_backend_pid()", [key])).rows[0]!.n;
    return {
      /** The insert waits at the marker. */
      reached: async () => (await waiters()) > 0,
      /** Lets the orphaned statement of the killed process end, whichever way it ends. */
      release: async () => {
        await client.query('SELECT pg_advisory_unlock($1)', [key]);
        await vi.waitFor(async () => expect(await waiters()).toBe(0), { timeout: 20_000 });
      },
      remove: () => client.query('DROP TRIGGER stall_at_marker ON events'),
    };
  }
  const db = new Database(database, { timeout: 0 });
  onTestFinished(() => void db.close());
  db.exec(`
    CREATE TABLE stall (n INTEGER);
    WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2000) INSERT INTO stall SELECT n FROM c;
    CREATE TRIGGER stall_at_marker BEFORE INSERT ON events WHEN NEW.id = '${marker}'
    BEGIN SELECT count(*) FROM stall a, stall b, stall c; END;`);
  return {
    /** The collector holds the write lock: its batch's transaction has begun writing. */
    reached: async () => {
      try {
        db.exec('BEGIN IMMEDIATE');
        db.exec('ROLLBACK');
        return false;
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
        throw error;
      }
    },
    release: async () => {},
    remove: async () => void db.exec('DROP TRIGGER stall_at_marker'),
  };
}

describeEngines('a collector killed mid-batch (SIGKILL)', (engine) => {
  it('leaves the batch all or nothing, and stores its retransmission once after a restart', async () => {
    const database = await newDatabase();
    await (await openStore(database)).close(); // the schema, for the trigger
    const earlier = Array.from({ length: 100 }, () => makeEvent());
    const batch = Array.from({ length: 1000 }, () => makeEvent());
    const stall = await stallInsertAt(engine, database, batch[500]!.id!);
    const reader = await openStore(database);
    onTestFinished(() => reader.close());
    const storedIds = async () => (await reader.listEvents()).map((row) => row.event.id);

    let collector = await startCollectorProcess(database);
    expect((await postActivity(collector, { events: earlier })).json).toMatchObject({ stored: 100 });
    const answer = postActivity(collector, { events: batch }).then(
      () => 'answered',
      () => 'no answer',
    );
    await vi.waitFor(async () => expect(await stall.reached()).toBe(true), { timeout: 30_000, interval: 50 });
    // Half the batch is written inside the transaction: none of it may be visible.
    expect(await storedIds()).toEqual(earlier.map((event) => event.id));

    collector.child.kill('SIGKILL');
    await once(collector.child, 'exit');
    expect(await answer).toBe('no answer');
    await stall.release();

    const afterCrash = await storedIds();
    expect(afterCrash.slice(0, 100)).toEqual(earlier.map((event) => event.id));
    const ofBatch = afterCrash.length - earlier.length;
    expect([0, batch.length]).toContain(ofBatch);

    // The client never got an answer, so it sends the same batch again to the restarted collector.
    await stall.remove();
    collector = await startCollectorProcess(database);
    const again = await postActivity(collector, { events: batch });
    expect(again.json).toEqual({ received: 1000, stored: 1000 - ofBatch, duplicates: ofBatch });
    const ids = await storedIds();
    expect(ids).toHaveLength(1100);
    expect(new Set(ids)).toEqual(new Set([...earlier, ...batch].map((event) => event.id)));
  }, 120_000);
});
