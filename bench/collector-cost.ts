// Where the collector's ingest time goes, per event (docs/design.md §9): each step of a request
// after HTTP, run in-process over the bodies `bench/collector-ingest.ts` sends, timed in CPU
// (user + system) and reported in µs per event, best of --reps interleaved repetitions. Prints
// numbers; never fails on time.
// npx tsx bench/collector-cost.ts [--events 20000] [--batch 100] [--group 8] [--reps 5]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkBatch } from '../collector/batch-validation';
import type { EncodedBatch } from '../collector/event-store';
import { findEventSpans } from '../collector/event-spans';
import { SqliteEventStore } from '../collector/sqlite-store';
import { wellFormedEventHost } from '../collector/well-formed-event';
import { ActivityEventSchema } from '../src/model/activity-event';
import { makeBodies } from './collector-bodies';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '100' },
    group: { type: 'string', default: '8' },
    reps: { type: 'string', default: '5' },
  },
});
const totalEvents = Number(values.events);
const group = Number(values.group);
const reps = Number(values.reps);
const bodies = makeBodies({ events: totalEvents, batch: Number(values.batch), ids: 'v7' }).map((body) => Buffer.from(body, 'utf8'));
const parsed = bodies.map((body) => (JSON.parse(body.toString('utf8')) as { events: unknown[] }).events);
const batches = bodies.map((body) => {
  const checked = checkBatch(body);
  if (!checked.ok) throw new Error(`a bench body is invalid: ${checked.message}`);
  return checked.batch;
});
const utf8 = new TextDecoder('utf-8', { fatal: true });
const dir = mkdtempSync(join(tmpdir(), 'collector-cost-'));

/** CPU µs per event of one run of `work`, split into user and system. */
async function cpuPerEvent(work: () => void | Promise<void>): Promise<{ user: number; system: number }> {
  const before = process.cpuUsage();
  await work();
  const { user, system } = process.cpuUsage(before);
  return { user: user / totalEvents, system: system / totalEvents };
}

/** WAL frames (page + 24-byte header) a store wrote, while no checkpoint ran. */
function walPagesPerEvent(file: string): number {
  return statSync(`${file}-wal`).size / (4096 + 24) / totalEvents;
}

let files = 0;
function freshStore(): { store: SqliteEventStore; file: string } {
  const file = join(dir, `cost-${files++}.sqlite`);
  // Inline: this measures the insert's own cost in this thread. A writer thread would add its
  // start-up (loading tsx, ~200 ms) to the figure, and its CPU is the process's either way.
  return { store: new SqliteEventStore(file, { writer: 'inline' }), file };
}

const walPages = new Map<string, number>();

const STEPS: [string, () => void | Promise<void>][] = [
  ['UTF-8 check + JSON.parse', () => void bodies.forEach((body) => JSON.parse(utf8.decode(body)))],
  ['fast path (wellFormedEventHost)', () => void parsed.forEach((events) => events.forEach(wellFormedEventHost))],
  ['zod ActivityEventSchema.safeParse (the slow path)', () => void parsed.forEach((events) => events.forEach((event) => ActivityEventSchema.safeParse(event)))],
  ['findEventSpans', () => void bodies.forEach((body, i) => findEventSpans(body, parsed[i]!.length))],
  ['checkBatch (all of the above but zod)', () => void bodies.forEach(checkBatch)],
  [
    'SQLite insert, one transaction per batch (insertEncoded)',
    () => {
      const { store, file } = freshStore();
      for (const batch of batches) store.insertEncoded(batch, new Date(), 'bench');
      walPages.set('one transaction per batch', walPagesPerEvent(file));
      void store.close();
    },
  ],
  [
    `SQLite insert, group commit of ${group} batches (appendEncoded)`,
    async () => {
      const { store, file } = freshStore();
      for (let at = 0; at < batches.length; at += group) {
        await Promise.all(batches.slice(at, at + group).map((batch: EncodedBatch) => store.appendEncoded(batch, 'bench')));
      }
      walPages.set(`group commit of ${group}`, walPagesPerEvent(file));
      await store.close();
    },
  ],
];

async function main(): Promise<void> {
  const best = new Map<string, { user: number; system: number }>();
  for (let rep = 0; rep < reps; rep++) {
    for (const [name, work] of STEPS) {
      const cost = await cpuPerEvent(work);
      const previous = best.get(name);
      if (!previous || cost.user + cost.system < previous.user + previous.system) best.set(name, cost);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`collector cost per event, ${totalEvents} events in batches of ${values.batch}, best of ${reps} (load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}):`);
  for (const [name] of STEPS) {
    const { user, system } = best.get(name)!;
    console.log(`  ${name}: ${(user + system).toFixed(2)} µs (user ${user.toFixed(2)}, system ${system.toFixed(2)})`);
  }
  for (const [name, pages] of walPages) console.log(`  WAL pages per event, ${name}: ${pages.toFixed(3)}`);
}

main().finally(() => rmSync(dir, { recursive: true, force: true }));
