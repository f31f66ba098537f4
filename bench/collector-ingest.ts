// Ingest rate of the reference collector: real HTTP on loopback, from a second process, into a
// real SQLite file (one collector process) and a real PostgreSQL (two collector processes on
// one database, the team setup). Prints numbers; never fails on time.
// npx tsx bench/collector-ingest.ts [--engine sqlite|postgres|both] [--events 1000000] [--batch 100]
//   [--concurrency 8] [--ids v7|v4] [--baseline <git ref>] [--rounds N] [--cpu-prof DIR]
// With --baseline, the collector of that commit (its collector/ and src/ from `git archive`,
// this checkout's node_modules) runs in the same rounds as this one, alternating which goes
// first, so the before / after is measured under the same load. With --cpu-prof, every collector
// process writes a V8 CPU profile (`node --cpu-prof`) into DIR when it stops.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openStore } from '../collector/start';
import { makeBodies } from './collector-bodies';
import { startTestPostgres } from '../tests/unit/collector/postgres-server';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'both' },
    events: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '8' },
    ids: { type: 'string', default: 'v7' },
    baseline: { type: 'string' },
    rounds: { type: 'string', default: '1' },
    'cpu-prof': { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const totalEvents = Number(values.events);
const batchSize = Number(values.batch);
const concurrency = Number(values.concurrency);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TOKEN = 'bench-token';

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

/** CPU seconds of each thread of a process, by thread id (/proc/<pid>/task). */
function threadCpuSeconds(pid: number): Map<number, number> {
  const threads = new Map<number, number>();
  for (const entry of readdirSync(`/proc/${pid}/task`)) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      threads.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // Exited meanwhile.
    }
  }
  return threads;
}

/**
 * Where a SQLite collector's CPU went, per event: its main thread (HTTP, validation), its busiest
 * other thread (the SQLite writer), the rest (V8's and libuv's helpers); and the rate at which
 * the collector and the load generator together would keep every core of this machine busy — a
 * ceiling no pipeline of waiting stages reaches.
 */
function describeThreads(pid: number, before: Map<number, number>, after: Map<number, number>, clientSeconds: number): string {
  const used = [...after].map(([tid, seconds]) => ({ tid, seconds: seconds - (before.get(tid) ?? 0) }));
  const main = used.find(({ tid }) => tid === pid)?.seconds ?? 0;
  const others = used.filter(({ tid }) => tid !== pid).sort((a, b) => b.seconds - a.seconds);
  const writer = others[0]?.seconds ?? 0;
  const rest = others.slice(1).reduce((sum, { seconds }) => sum + seconds, 0);
  const us = (seconds: number) => ((seconds * 1e6) / totalEvents).toFixed(1);
  const total = main + writer + rest + clientSeconds;
  const cores = availableParallelism();
  return (
    `  CPU per event: main thread ${us(main)} µs, writer thread ${us(writer)} µs, other threads ${us(rest)} µs, ` +
    `load generator ${us(clientSeconds)} µs; all of it is ${us(total)} µs, so ${cores} busy cores would carry ` +
    `${Math.round((cores * totalEvents) / total)} events/s`
  );
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

/** A collector build to measure: this checkout, or the baseline's sources. */
interface Variant {
  name: string;
  root: string;
}

/** The baseline's collector and model sources in a temp folder, resolving packages from this checkout. */
function extractBaseline(ref: string, dir: string): Variant {
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  const root = join(dir, 'baseline');
  mkdirSync(root);
  const archive = execFileSync('git', ['archive', commit, 'collector', 'src', 'package.json', 'tsconfig.json'], { cwd: ROOT, maxBuffer: 1 << 28 });
  execFileSync('tar', ['-x', '-C', root], { input: archive });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  return { name: `${ref} (${commit.slice(0, 10)})`, root };
}

function load(): string {
  return loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
}

function describeRun(engine: string, variant: Variant, seconds: number, extra: string): string {
  return (
    `collector ingest [${engine}, ${variant.name}]: ${totalEvents} events in batches of ${batchSize}, concurrency ${concurrency}, ids ${values.ids}: ` +
    `${seconds.toFixed(2)} s, ${Math.round(totalEvents / seconds)} events/s${extra}; load average ${load()}`
  );
}

/** One run's figures, for the summary of several rounds. */
interface RunFigures {
  eventsPerSecond: number;
  /** Microseconds of collector CPU (all its processes) per event. */
  collectorUsPerEvent: number;
  /** Microseconds of PostgreSQL's CPU per event (PostgreSQL runs only). */
  serverUsPerEvent?: number;
}

/** `npm run collector` of a variant as its own process; resolves with its URL once it listens. */
async function startCollectorProcess(variant: Variant, database: string) {
  const profile = values['cpu-prof'] === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'collector/main.ts', '--port', '0', '--database', database, '--token', TOKEN], {
    cwd: variant.root,
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

type CollectorProcess = Awaited<ReturnType<typeof startCollectorProcess>>;

async function stopProcesses(processes: readonly CollectorProcess[]): Promise<void> {
  const running = processes.filter(({ child }) => child.exitCode === null && child.signalCode === null);
  for (const { child } of running) child.kill('SIGTERM');
  await Promise.all(running.map(({ child }) => once(child, 'exit')));
}

async function benchSqlite(variant: Variant, dir: string, bodiesFile: string, run: number): Promise<RunFigures | undefined> {
  const file = join(dir, `bench-${run}.sqlite`);
  const processes = [await startCollectorProcess(variant, file)];
  try {
    const pid = processes[0]!.child.pid!;
    const cpuBefore = cpuSecondsOf(pid);
    const threadsBefore = threadCpuSeconds(pid);
    const { seconds, failures, cpuSeconds: clientSeconds } = await runLoad(bodiesFile, [processes[0]!.activityUrl], TOKEN);
    // CPU the collector spent: its capacity, much less sensitive than wall time to other load on the machine.
    const cpuSeconds = cpuSecondsOf(pid) - cpuBefore;
    const threads = describeThreads(pid, threadsBefore, threadCpuSeconds(pid), clientSeconds);
    await stopProcesses(processes);
    const store = await openStore(file);
    const stored = await store.countEvents();
    await store.close();
    console.log(
      describeRun(
        'sqlite, 1 process',
        variant,
        seconds,
        ` (collector CPU ${cpuSeconds.toFixed(2)} s = ${Math.round(totalEvents / cpuSeconds)} events per CPU-second; ` +
          `load generator CPU ${clientSeconds.toFixed(2)} s), stored ${stored}, non-200 ${failures}`,
      ),
    );
    console.log(threads);
    if (stored !== totalEvents || failures !== 0) return undefined;
    return { eventsPerSecond: totalEvents / seconds, collectorUsPerEvent: (cpuSeconds * 1e6) / totalEvents };
  } finally {
    await stopProcesses(processes);
    rmSync(file, { force: true });
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
  }
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

/** A new empty database on the bench's server, so every run starts from the same state and schema. */
async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function benchPostgres(variant: Variant, adminUrl: string, bodiesFile: string, run: number): Promise<RunFigures | undefined> {
  const database = await createDatabase(adminUrl, `bench_${run}`);
  const processes: CollectorProcess[] = [];
  try {
    // The first migrates; the second finds the schema current.
    processes.push(await startCollectorProcess(variant, database));
    processes.push(await startCollectorProcess(variant, database));
    const postmaster = await postmasterPid(database);
    const cpuBefore = processes.map(({ child }) => cpuSecondsOf(child.pid!));
    const serverBefore = serverCpuSeconds(postmaster);
    const { seconds, failures, cpuSeconds: clientSeconds } = await runLoad(bodiesFile, processes.map((p) => p.activityUrl), TOKEN);
    const cpu = processes.map(({ child }, i) => cpuSecondsOf(child.pid!) - cpuBefore[i]!);
    const serverSeconds = serverCpuSeconds(postmaster) - serverBefore;
    const store = await openStore(database);
    const stored = await store.countEvents();
    await store.close();
    console.log(
      describeRun(
        'postgres, 2 processes',
        variant,
        seconds,
        ` (collector CPU ${cpu.map((s) => s.toFixed(2)).join(' + ')} s; PostgreSQL CPU ${serverSeconds.toFixed(2)} s = ` +
          `${((serverSeconds * 1e6) / totalEvents).toFixed(1)} µs per event; load generator CPU ${clientSeconds.toFixed(2)} s), ` +
          `stored ${stored}, non-200 ${failures}`,
      ),
    );
    if (stored !== totalEvents || failures !== 0) return undefined;
    const collectorSeconds = cpu.reduce((sum, s) => sum + s, 0);
    return {
      eventsPerSecond: totalEvents / seconds,
      collectorUsPerEvent: (collectorSeconds * 1e6) / totalEvents,
      serverUsPerEvent: (serverSeconds * 1e6) / totalEvents,
    };
  } finally {
    await stopProcesses(processes);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Medians per variant and, with a baseline, the ratio of this checkout's to the baseline's. */
function summarize(engine: string, variants: readonly Variant[], figures: ReadonlyMap<Variant, RunFigures[]>): void {
  if (rounds === 1 && variants.length === 1) return;
  const medians = variants.map((variant) => {
    const runs = figures.get(variant) ?? [];
    const server = runs.flatMap((run) => (run.serverUsPerEvent === undefined ? [] : [run.serverUsPerEvent]));
    return {
      variant,
      runs: runs.length,
      eventsPerSecond: median(runs.map((run) => run.eventsPerSecond)),
      collectorUs: median(runs.map((run) => run.collectorUsPerEvent)),
      serverUs: server.length > 0 ? median(server) : undefined,
    };
  });
  for (const m of medians) {
    console.log(
      `  median of ${m.runs} [${engine}, ${m.variant.name}]: ${Math.round(m.eventsPerSecond)} events/s, ` +
        `collector ${m.collectorUs.toFixed(1)} µs CPU per event${m.serverUs === undefined ? '' : `, PostgreSQL ${m.serverUs.toFixed(1)} µs`}`,
    );
  }
  if (medians.length === 2) {
    const [now, base] = medians as [(typeof medians)[0], (typeof medians)[0]];
    console.log(
      `  ${now.variant.name} / ${base.variant.name}: events/s ×${(now.eventsPerSecond / base.eventsPerSecond).toFixed(2)}, ` +
        `collector CPU per event ×${(now.collectorUs / base.collectorUs).toFixed(2)}` +
        (now.serverUs !== undefined && base.serverUs !== undefined ? `, PostgreSQL CPU per event ×${(now.serverUs / base.serverUs).toFixed(2)}` : ''),
    );
  }
}

/** Every variant once per round, the first of the previous round last, so drift in the load hits both alike. */
async function runRounds(
  engine: string,
  variants: readonly Variant[],
  measure: (variant: Variant, run: number) => Promise<RunFigures | undefined>,
): Promise<boolean> {
  const figures = new Map<Variant, RunFigures[]>();
  let ok = true;
  let run = 0;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      const result = await measure(variant, run++);
      if (result) figures.set(variant, [...(figures.get(variant) ?? []), result]);
      else ok = false;
    }
  }
  summarize(engine, variants, figures);
  return ok;
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
        makeBodies({ events: totalEvents, batch: batchSize, ids: values.ids === 'v4' ? 'v4' : 'v7' }).flatMap((body) => {
          const bytes = Buffer.from(body, 'utf8');
          const length = Buffer.alloc(4);
          length.writeUInt32LE(bytes.length);
          return [length, bytes];
        }),
      ),
    );
    const variants: Variant[] = [{ name: 'this checkout', root: ROOT }];
    if (values.baseline !== undefined) variants.push(extractBaseline(values.baseline, dir));
    let ok = true;
    if (values.engine !== 'postgres') {
      ok = (await runRounds('sqlite', variants, (variant, run) => benchSqlite(variant, dir, bodiesFile, run))) && ok;
    }
    if (values.engine !== 'sqlite') {
      // A server with PostgreSQL's default durability: every 200 is a committed, fsynced batch.
      const postgres = await startTestPostgres({ durable: true });
      try {
        ok = (await runRounds('postgres', variants, (variant, run) => benchPostgres(variant, postgres.adminUrl, bodiesFile, run))) && ok;
      } finally {
        postgres.destroy();
      }
    }
    if (!ok) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
