// Ingest rate of the reference collector: real HTTP on loopback, from a second process, into a
// real SQLite file (one collector process) and a real PostgreSQL (two collector processes on
// one database, the team setup). Prints numbers; never fails on time.
// npx tsx bench/collector-ingest.ts [--engine sqlite|postgres|both] [--events 50000] [--batch 100]
//   [--concurrency 8] [--ids v7|v4]
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
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

// The load generator is a separate Node process, so its own cost (undici, request building)
// neither shares a collector's event loop nor counts in a collector's CPU time: in production
// the clients are elsewhere. With several URLs it sends batch n to URL n mod k, as a proxy in
// front of k processes would.
const LOAD_GENERATOR = `
const { readFileSync } = require('node:fs');
const [file, urls, token, concurrency] = process.argv.slice(1);
const targets = urls.split(',');
const bodies = JSON.parse(readFileSync(file, 'utf8'));
const headers = { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token };
let next = 0;
let failures = 0;
async function worker() {
  while (next < bodies.length) {
    const n = next++;
    const response = await fetch(targets[n % targets.length], { method: 'POST', headers, body: bodies[n] });
    await response.arrayBuffer();
    if (response.status !== 200) failures++;
  }
}
const started = performance.now();
Promise.all(Array.from({ length: Number(concurrency) }, worker)).then(() => {
  process.stdout.write(JSON.stringify({ seconds: (performance.now() - started) / 1000, failures }));
});
`;

async function runLoad(bodiesFile: string, urls: string[], token: string): Promise<{ seconds: number; failures: number }> {
  const child = spawn(process.execPath, ['-e', LOAD_GENERATOR, bodiesFile, urls.join(','), token, String(concurrency)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  return JSON.parse(output) as { seconds: number; failures: number };
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
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
    const insertBatch = collector.store.insertBatch.bind(collector.store);
    collector.store.insertBatch = (...args) => {
      const t0 = performance.now();
      try {
        return insertBatch(...args);
      } finally {
        storeSeconds += (performance.now() - t0) / 1000;
      }
    };
    const cpuBefore = process.cpuUsage();
    const { seconds, failures } = await runLoad(bodiesFile, [collector.activityUrl], TOKEN);
    // CPU the collector spent: its capacity, much less sensitive than wall time to other load on the machine.
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const stored = collector.store.count();
    console.log(
      describeRun(
        'sqlite, 1 process',
        seconds,
        ` (collector CPU ${cpuSeconds.toFixed(2)} s = ${Math.round(totalEvents / cpuSeconds)} events per CPU-second; ` +
          `${storeSeconds.toFixed(2)} s in SQLite), stored ${stored}, non-200 ${failures}`,
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

async function benchPostgres(bodiesFile: string): Promise<boolean> {
  // A server with PostgreSQL's default durability: every 200 is a committed, fsynced batch.
  const postgres = await startTestPostgres({ durable: true });
  const processes: Awaited<ReturnType<typeof startCollectorProcess>>[] = [];
  try {
    // The first migrates; the second finds the schema current.
    processes.push(await startCollectorProcess(postgres.adminUrl));
    processes.push(await startCollectorProcess(postgres.adminUrl));
    const cpuBefore = processes.map(({ child }) => cpuSecondsOf(child.pid!));
    const { seconds, failures } = await runLoad(bodiesFile, processes.map((p) => p.activityUrl), TOKEN);
    const cpu = processes.map(({ child }, i) => cpuSecondsOf(child.pid!) - cpuBefore[i]!);
    const store = await openStore(postgres.adminUrl);
    const stored = await store.countEvents();
    await store.close();
    console.log(
      describeRun(
        'postgres, 2 processes',
        seconds,
        ` (collector CPU ${cpu.map((s) => s.toFixed(2)).join(' + ')} s), stored ${stored}, non-200 ${failures}`,
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
    const bodiesFile = join(dir, 'bodies.json');
    writeFileSync(bodiesFile, JSON.stringify(makeBodies()));
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
