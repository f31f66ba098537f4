// Ingest rate of the reference collector: real HTTP on loopback into a real SQLite file.
// npx tsx bench/collector-ingest.ts [--events 50000] [--batch 100] [--concurrency 8] [--ids v7|v4]
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startCollector } from '../collector/start';
import { uuidv7 } from '../src/model/event-id';

const { values } = parseArgs({
  options: {
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
// neither shares the collector's event loop nor counts in the collector's CPU time: in
// production the clients are elsewhere.
const LOAD_GENERATOR = `
const { readFileSync } = require('node:fs');
const [file, url, token, concurrency] = process.argv.slice(1);
const bodies = JSON.parse(readFileSync(file, 'utf8'));
const headers = { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token };
let next = 0;
let failures = 0;
async function worker() {
  while (next < bodies.length) {
    const body = bodies[next++];
    const response = await fetch(url, { method: 'POST', headers, body });
    await response.arrayBuffer();
    if (response.status !== 200) failures++;
  }
}
const started = performance.now();
Promise.all(Array.from({ length: Number(concurrency) }, worker)).then(() => {
  process.stdout.write(JSON.stringify({ seconds: (performance.now() - started) / 1000, failures }));
});
`;

async function runLoad(
  bodiesFile: string,
  url: string,
  token: string,
): Promise<{ seconds: number; failures: number }> {
  const child = spawn(process.execPath, ['-e', LOAD_GENERATOR, bodiesFile, url, token, String(concurrency)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  return JSON.parse(output) as { seconds: number; failures: number };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'collector-bench-'));
  const collector = await startCollector({ port: 0, dbFile: join(dir, 'bench.sqlite') });
  try {
    // Built before the clock starts, so the number is the collector's cost, not the generator's.
    const bodies = makeBodies();
    const bodiesFile = join(dir, 'bodies.json');
    writeFileSync(bodiesFile, JSON.stringify(bodies));
    // Wall time inside SQLite (including fsyncs of WAL checkpoints, which are not CPU time).
    let storeSeconds = 0;
    const insertBatch = collector.store.insertBatch.bind(collector.store);
    collector.store.insertBatch = (events, receivedAt) => {
      const t0 = performance.now();
      try {
        return insertBatch(events, receivedAt);
      } finally {
        storeSeconds += (performance.now() - t0) / 1000;
      }
    };
    const cpuBefore = process.cpuUsage();
    const { seconds, failures } = await runLoad(bodiesFile, collector.activityUrl, collector.token!);
    // CPU the collector spent: its capacity, much less sensitive than wall time to other load on the machine.
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;

    const stored = collector.store.count();
    const rate = Math.round(totalEvents / seconds);
    console.log(
      `collector ingest: ${totalEvents} events in ${bodies.length} batches of ${batchSize}, ` +
        `concurrency ${concurrency}, ids ${values.ids}: ${seconds.toFixed(2)} s, ${rate} events/s ` +
        `(collector CPU ${cpuSeconds.toFixed(2)} s = ${Math.round(totalEvents / cpuSeconds)} events per CPU-second; ` +
        `${storeSeconds.toFixed(2)} s in SQLite), ` +
        `stored ${stored}, non-200 ${failures}`,
    );
    if (stored !== totalEvents || failures > 0) process.exitCode = 1;
  } finally {
    await collector.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
