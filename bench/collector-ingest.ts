// Ingest rate of the reference collector: real HTTP on loopback, from a second process, into a
// real SQLite file (one collector process) and a real PostgreSQL (two collector processes on
// one database, the team setup). Prints numbers; never fails on time.
// npx tsx bench/collector-ingest.ts [--engine sqlite|postgres|both] [--events 50000] [--batch 100]
//   [--concurrency 8] [--ids v7|v4]
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openStore, startCollector } from '../collector/start';
import { uuidv7 } from '../src/model/event-id';
import { startTestPostgres } from '../tests/unit/collector/postgres-server';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'both' },
    events: { type: 'string', default: '50000' },
    batch: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '8' },
    // v7 is what the extension sends; v4 (random) ids scatter index writes and cost several times more.
    ids: { type: 'string', default: 'v7' },
  },
});
const totalEvents = Number(values.events);
const batchSize = Number(values.batch);
const concurrency = Number(values.concurrency);
const newId = values.ids === 'v4' ? () => randomUUID() : (ms: number) => uuidv7(ms);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TOKEN = 'bench-token';

function makeBodies(): string[] {
  const bodies: string[] = [];
  const start = Date.parse('2026-11-27T08:00:00.000Z');
  for (let offset = 0; offset < totalEvents; offset += batchSize) {
    const events = [];
    for (let i = offset; i < Math.min(offset + batchSize, totalEvents); i++) {
      events.push({
        id: newId(start + i),
        action: i % 10 === 0 ? 'SEARCH' : 'VIEW',
        timestamp: new Date(start + i * 1000).toISOString(),
        url: `https://docs.example.com/space/${i % 500}/page-${i}?tab=overview`,
        params: {
          title: `Page ${i} — an ordinary document title of typical length`,
          referrer: `https://docs.example.com/space/${i % 500}/`,
          ...(i % 2 === 0 ? { truncated: true } : { duration: i % 600 }),
        },
      });
    }
    bodies.push(JSON.stringify({ events }));
  }
  return bodies;
}

// The load generator is a separate Node process, so its own cost neither shares a collector's
// event loop nor counts in a collector's CPU time: in production the clients are elsewhere. It
// shares the machine's cores with the collector, though, so it is kept cheap: the bodies are
// UTF-8 bytes made before the clock starts, sent with node:http over keep-alive connections
// (one per request in flight) rather than fetch. With several URLs it sends batch n to URL
// n mod k, as a proxy in front of k processes would.
const LOAD_GENERATOR = `
const http = require('node:http');
const { readFileSync } = require('node:fs');
const [file, urls, token, concurrency] = process.argv.slice(1);
const targets = urls.split(',').map((url) => new URL(url));
const all = readFileSync(file);
const bodies = [];
for (let at = 0; at < all.length; ) {
  const length = all.readUInt32LE(at);
  bodies.push(all.subarray(at + 4, at + 4 + length));
  at += 4 + length;
}
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
let next = 0;
let failures = 0;
function post(target, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(target, {
      method: 'POST',
      agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, Authorization: 'Bearer ' + token },
    }, (response) => {
      response.on('data', () => {});
      response.on('end', () => resolve(response.statusCode));
    });
    request.on('error', reject);
    request.end(body);
  });
}
async function worker() {
  while (next < bodies.length) {
    const n = next++;
    if ((await post(targets[n % targets.length], bodies[n])) !== 200) failures++;
  }
}
const started = performance.now();
const cpuAtStart = process.cpuUsage();
Promise.all(Array.from({ length: Number(concurrency) }, worker)).then(() => {
  const cpu = process.cpuUsage(cpuAtStart);
  process.stdout.write(JSON.stringify({ seconds: (performance.now() - started) / 1000, failures, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
  agent.destroy();
});
`;

interface LoadResult {
  seconds: number;
  failures: number;
  /** The load generator's own CPU time while it sent. */
  cpuSeconds: number;
}

async function runLoad(bodiesFile: string, urls: string[], token: string): Promise<LoadResult> {
  const child = spawn(process.execPath, ['-e', LOAD_GENERATOR, bodiesFile, urls.join(','), token, String(concurrency)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  return JSON.parse(output) as LoadResult;
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSecondsOf(pid: number, withExitedChildren = false): number {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of stat, cutime and cstime (children waited for) 16
  // and 17, in clock ticks (100 per second on Linux).
  const ticks = Number(fields[11]) + Number(fields[12]) + (withExitedChildren ? Number(fields[13]) + Number(fields[14]) : 0);
  return ticks / 100;
}

/** The fields of /proc/<pid>/stat after the command name, so fields[0] is field 3 (state). */
function statFields(pid: number): string[] {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
}

/** CPU seconds of a PostgreSQL server: the postmaster, its live processes and those that exited. */
function serverCpuSeconds(postmaster: number): number {
  let seconds = cpuSecondsOf(postmaster, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(Number(entry))[1]) === postmaster) seconds += cpuSecondsOf(Number(entry));
    } catch {
      // Exited meanwhile: its time is in the postmaster's children's time.
    }
  }
  return seconds;
}

function describeRun(engine: string, seconds: number, extra: string): string {
  return (
    `collector ingest [${engine}]: ${totalEvents} events in batches of ${batchSize}, concurrency ${concurrency}, ids ${values.ids}: ` +
    `${seconds.toFixed(2)} s, ${Math.round(totalEvents / seconds)} events/s${extra}`
  );
}

async function benchSqlite(dir: string, bodiesFile: string): Promise<boolean> {
  const collector = await startCollector({ port: 0, dbFile: join(dir, 'bench.sqlite'), token: TOKEN });
  try {
    // Wall time inside SQLite (including fsyncs of WAL checkpoints, which are not CPU time).
    let storeSeconds = 0;
    const insertEncoded = collector.store.insertEncoded.bind(collector.store);
    collector.store.insertEncoded = (...args) => {
      const t0 = performance.now();
      try {
        return insertEncoded(...args);
      } finally {
        storeSeconds += (performance.now() - t0) / 1000;
      }
    };
    const cpuBefore = process.cpuUsage();
    const { seconds, failures, cpuSeconds: clientSeconds } = await runLoad(bodiesFile, [collector.activityUrl], TOKEN);
    // CPU the collector spent: its capacity, much less sensitive than wall time to other load on the machine.
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const stored = collector.store.count();
    console.log(
      describeRun(
        'sqlite, 1 process',
        seconds,
        ` (collector CPU ${cpuSeconds.toFixed(2)} s = ${Math.round(totalEvents / cpuSeconds)} events per CPU-second; ` +
          `${storeSeconds.toFixed(2)} s in SQLite; load generator CPU ${clientSeconds.toFixed(2)} s), stored ${stored}, non-200 ${failures}`,
      ),
    );
    return stored === totalEvents && failures === 0;
  } finally {
    await collector.close();
  }
}

/** `npm run collector` as its own process on `database`; resolves with its URL once it listens. */
async function startCollectorProcess(database: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'collector/main.ts', '--port', '0', '--database', database, '--token', TOKEN], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DATABASE_URL: '', COLLECTOR_TOKEN: '' },
  });
  let text = '';
  child.stdout.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('Ctrl+C')) resolve();
    });
    child.once('exit', () => reject(new Error(`collector exited:\n${text}`)));
  });
  const url = /listening on (\S+)/.exec(text)![1]!;
  return { child, activityUrl: `${url}/rest/api/v1/activity` };
}

/** The PostgreSQL server's main process: the parent of a backend. */
async function postmasterPid(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return Number(statFields(rows[0]!.pid)[1]);
  } finally {
    await client.end();
  }
}

async function benchPostgres(bodiesFile: string): Promise<boolean> {
  // A server with PostgreSQL's default durability: every 200 is a committed, fsynced batch.
  const postgres = await startTestPostgres({ durable: true });
  const processes: Awaited<ReturnType<typeof startCollectorProcess>>[] = [];
  try {
    // The first migrates; the second finds the schema current.
    processes.push(await startCollectorProcess(postgres.adminUrl));
    processes.push(await startCollectorProcess(postgres.adminUrl));
    const postmaster = await postmasterPid(postgres.adminUrl);
    const cpuBefore = processes.map(({ child }) => cpuSecondsOf(child.pid!));
    const serverBefore = serverCpuSeconds(postmaster);
    const { seconds, failures, cpuSeconds: clientSeconds } = await runLoad(bodiesFile, processes.map((p) => p.activityUrl), TOKEN);
    const cpu = processes.map(({ child }, i) => cpuSecondsOf(child.pid!) - cpuBefore[i]!);
    const serverSeconds = serverCpuSeconds(postmaster) - serverBefore;
    const store = await openStore(postgres.adminUrl);
    const stored = await store.countEvents();
    await store.close();
    console.log(
      describeRun(
        'postgres, 2 processes',
        seconds,
        ` (collector CPU ${cpu.map((s) => s.toFixed(2)).join(' + ')} s; PostgreSQL CPU ${serverSeconds.toFixed(2)} s; ` +
          `load generator CPU ${clientSeconds.toFixed(2)} s), stored ${stored}, non-200 ${failures}`,
      ),
    );
    return stored === totalEvents && failures === 0;
  } finally {
    for (const { child } of processes) child.kill('SIGTERM');
    await Promise.all(processes.map(({ child }) => (child.exitCode === null ? once(child, 'exit') : undefined)));
    postgres.destroy();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'collector-bench-'));
  try {
    // Built before the clock starts, so the number is the collector's cost, not the generator's.
    const bodiesFile = join(dir, 'bodies.bin');
    // Each body as UTF-8 bytes after its length (4 bytes, little-endian).
    writeFileSync(
      bodiesFile,
      Buffer.concat(
        makeBodies().flatMap((body) => {
          const bytes = Buffer.from(body, 'utf8');
          const length = Buffer.alloc(4);
          length.writeUInt32LE(bytes.length);
          return [length, bytes];
        }),
      ),
    );
    let ok = true;
    if (values.engine !== 'postgres') ok = (await benchSqlite(dir, bodiesFile)) && ok;
    if (values.engine !== 'sqlite') ok = (await benchPostgres(bodiesFile)) && ok;
    if (!ok) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
