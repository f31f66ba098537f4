// Capture latency in a real Chromium: from a browser signal's arrival in the service worker to
// its events being durable in IndexedDB (`self.activityLogger.captureLatencyMs`, the latest
// 1,000). Targets: p50 ≤ 5 ms, p99 ≤ 20 ms. Prints numbers; never fails on them.
//
//   npm run build && npx tsx bench/capture-latency.ts [--rounds 3] [--navigations 200] [--pause-ms 0] [--breakdown] [--no-analysis] [--settle 20] [--baseline DIR [--aa]]
//
// Same-document changes are reported apart (--settle N, 0 for none): a view of a pushState
// address is recorded once the address has settled (docs/design.md §3, SETTLE_MS), so its
// time from the page's `history.pushState` to the view's start in the log (`recordedAt`) is the
// settle time plus the latency, not a latency.
//
// E2E_CHROME_BUILD=DIR measures another unpacked build (see tests/e2e/harness/extension-build.ts).
//
// Before / after in the same run: --baseline DIR (or BENCH_BASELINE_BUILD=DIR) measures that
// unpacked build too, round by round interleaved with the current one (B A, A B, B A, …: the
// machine's load drifts, so only pairs measured side by side compare), and prints each build's
// pooled percentiles and their ratio; --aa measures the baseline a second time in every round,
// so the run prints its own noise band (baseline against itself) beside them. `node bench/build-baseline.mjs <git ref>` makes that build
// of any commit (in a worktree of its own, with its own `npm ci`), into .bench-baseline/.
//
// When a target is missed (or with --breakdown) it goes on to find out why, in the same browser:
//  1. each step of the recording path timed alone, with nothing else going on;
//  2. a traced round: the worker's chrome.* and IndexedDB calls are wrapped, so each latency
//     sample is split into its critical path (its own tabs.get, the wait for earlier signals,
//     its log transaction) and matched with every call in flight meanwhile;
//  3. the floor: capture paused, a bare onCommitted listener that only makes one record
//     durable — what any design would pay on this machine under the same navigations.
// The latency is mostly the browser's and the disk's, so it also prints the load average.
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BackgroundStatus } from '../entrypoints/background';
import {
  captureSettled,
  launchExtensionBrowser,
  openBackgroundTab,
  readLog,
  startTestPageServer,
  type ExtensionBrowser,
  type TestPageServer,
  CHROME_BUILD_DIR,
} from '../tests/e2e/harness';

const { values } = parseArgs({
  options: {
    navigations: { type: 'string', default: '200' },
    breakdown: { type: 'boolean', default: false },
    // Wait this long after each page load: 0 is a fast reader clicking through; a few hundred
    // ms lets each navigation's work finish before the next begins.
    'pause-ms': { type: 'string', default: '0' },
    // Each round is a fresh browser; the percentiles of all rounds' samples together are the
    // result (one round's p99 rests on its 2 or 3 slowest samples).
    rounds: { type: 'string', default: '3' },
    // Skip the analysis that follows a missed target (for same-run before/after comparisons).
    'no-analysis': { type: 'boolean', default: false },
    settle: { type: 'string', default: '20' },
    baseline: { type: 'string', default: process.env.BENCH_BASELINE_BUILD ?? '' },
    // With --baseline: measure the baseline twice a round, the second time as if it were
    // another build, to print the run's A/A noise band beside the before/after ratios.
    aa: { type: 'boolean', default: false },
    // With --baseline: one more build measured in the same rounds (e.g. a variant with one
    // part of the change taken out), printed as "also" with its ratio to the baseline; given
    // more than once, each is one more build ("also 2", …).
    also: { type: 'string', multiple: true, default: [] },
    // Only time the append transaction's shapes, this many navigations a round (measureShapes).
    shapes: { type: 'string', default: '0' },
  },
});
const BASELINE = values.baseline ? resolve(values.baseline) : null;
const SETTLE_SAMPLES = Number(values.settle);
const ROUNDS = Number(values.rounds);
const NAVIGATIONS = Number(values.navigations);
const PAUSE_MS = Number(values['pause-ms']);
const TARGET_P50 = 5;
const TARGET_P99 = 20;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1);
  return `n=${sorted.length} p50=${f(percentile(sorted, 50))} p90=${f(percentile(sorted, 90))} p99=${f(percentile(sorted, 99))} max=${f(sorted.at(-1) ?? NaN)} ms`;
}

/** Navigations in the main tab, and every 20th step a few switches to a second tab and back. */
async function browse(
  browser: ExtensionBrowser,
  server: TestPageServer,
  count = NAVIGATIONS,
): Promise<{ navigations: number; switches: number }> {
  const main = browser.mainTab;
  await main.bringToFront();
  const otherUrl = server.pageUrl('other tab');
  const other =
    browser.context.pages().find((page) => page.url() === otherUrl) ??
    (await openBackgroundTab(browser.context, otherUrl));
  let navigations = 0;
  let switches = 0;
  for (let i = 0; i < count; i++) {
    await main.goto(server.pageUrl(`page ${i % 10}`));
    navigations++;
    if (PAUSE_MS > 0) await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    if (i % 20 === 19) {
      for (let s = 0; s < 3; s++) {
        await other.bringToFront();
        await main.bringToFront();
        switches += 2;
      }
    }
  }
  await main.goto('about:blank'); // ends the last view
  return { navigations, switches };
}

/**
 * Times each step of the recording path in isolation, in the worker, `rounds` times each.
 * The IndexedDB writes go to a scratch database, deleted afterwards: the log is not touched.
 */
async function breakdown(browser: ExtensionBrowser, tabUrl: string): Promise<Record<string, number[]>> {
  return browser.worker.evaluate(async (url) => {
    // tsx (esbuild keepNames) wraps named functions in `__name(...)`, which the worker lacks.
    (globalThis as { __name?: unknown }).__name ??= (target: unknown) => target;
    const { chrome } = globalThis as unknown as {
      chrome: {
        tabs: { query(q: object): Promise<{ id: number; url?: string }[]>; get(id: number): Promise<unknown> };
        storage: {
          session: { set(items: object): Promise<void>; get(key: string): Promise<object> };
          local: { set(items: object): Promise<void> };
        };
        alarms: { create(name: string, info: object): Promise<void>; clear(name: string): Promise<boolean> };
      };
    };
    const rounds = 50;
    const times: Record<string, number[]> = {};
    const time = async (name: string, step: () => Promise<unknown>) => {
      const list = (times[name] ??= []);
      for (let i = 0; i < rounds; i++) {
        const start = performance.now();
        await step();
        list.push(performance.now() - start);
      }
    };
    const [tab] = await chrome.tabs.query({ url });
    if (!tab) throw new Error(`no tab at ${url}`);
    await time('tabs.get', () => chrome.tabs.get(tab.id));

    // A state about the size capture keeps (a few tabs, one open view).
    const session = (await chrome.storage.session.get('captureState')) as Record<string, unknown>;
    const state = session.captureState ?? { tabs: {}, view: null };
    await time('storage.session.set(captureState)', () => chrome.storage.session.set({ benchScratchState: state }));
    await time('storage.local.set(openView)', () => chrome.storage.local.set({ benchScratchView: { url, at: Date.now() } }));
    await time('alarms.create', () => chrome.alarms.create('bench-scratch', { periodInMinutes: 0.5 }));
    await chrome.alarms.clear('bench-scratch');

    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('bench-scratch', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const record = { event: { id: crypto.randomUUID(), action: 'VIEW', url, timestamp: new Date().toISOString(), params: { truncated: true, title: 'A title' } }, state: 'pending', host: '127.0.0.1', recordedAt: Date.now(), attempts: 0 };
    const write = (durability: IDBTransactionDurability) => () =>
      new Promise<void>((resolve, reject) => {
        const tx = db.transaction('events', 'readwrite', { durability });
        tx.objectStore('events').add({ ...record });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
    await time('IndexedDB add, durability strict', write('strict'));
    await time('IndexedDB add, durability relaxed', write('relaxed'));
    db.close();
    await new Promise((resolve) => {
      const del = indexedDB.deleteDatabase('bench-scratch');
      del.onsuccess = del.onerror = del.onblocked = resolve;
    });
    return times;
  }, tabUrl);
}

interface TraceOp {
  label: string;
  start: number;
  end: number;
}
interface Trace {
  ops: TraceOp[];
  samples: { end: number; latency: number }[];
}

/**
 * Wraps, in the running worker, the browser and IndexedDB calls the recording path makes, and
 * the latency array, so each latency sample can be matched with what was in flight during it.
 * The extension calls `chrome.*` methods through the same objects (Chromium's native
 * `browser` namespace shares them) and IndexedDB through `IDBDatabase.prototype.transaction`.
 */
async function installTrace(browser: ExtensionBrowser): Promise<void> {
  await browser.worker.evaluate(() => {
    (globalThis as { __name?: unknown }).__name ??= (target: unknown) => target;
    const g = globalThis as unknown as {
      chrome: Record<string, Record<string, unknown>>;
      activityLogger: BackgroundStatus;
      benchTrace?: Trace;
    };
    if (g.benchTrace) return;
    const trace: Trace = { ops: [], samples: [] };
    g.benchTrace = trace;
    const now = () => performance.timeOrigin + performance.now();
    const wrap = (owner: Record<string, unknown>, name: string, label: string) => {
      const original = owner[name] as (...args: unknown[]) => unknown;
      owner[name] = function (this: unknown, ...args: unknown[]) {
        const start = now();
        const result = original.apply(this, args);
        const finish = () => trace.ops.push({ label, start, end: now() });
        if (result instanceof Promise) result.then(finish, finish);
        else finish();
        return result;
      };
    };
    const { chrome } = g;
    const storage = chrome.storage as unknown as Record<string, Record<string, unknown>>;
    wrap(chrome.tabs!, 'get', 'tabs.get');
    wrap(chrome.tabs!, 'query', 'tabs.query');
    wrap(storage.session!, 'set', 'storage.session.set');
    wrap(storage.session!, 'get', 'storage.session.get');
    wrap(storage.local!, 'set', 'storage.local.set');
    wrap(storage.local!, 'get', 'storage.local.get');
    wrap(chrome.alarms!, 'create', 'alarms.create');
    wrap(chrome.alarms!, 'clear', 'alarms.clear');
    wrap(chrome.alarms!, 'get', 'alarms.get');
    wrap(chrome.action!, 'setBadgeText', 'action.setBadgeText');
    // The focus asked for every second while a view is open (docs/design.md §3, FOCUS_POLL_MS).
    wrap(chrome.windows!, 'getLastFocused', 'windows.getLastFocused');
    const transaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<typeof transaction>) {
      const tx = transaction.apply(this, args);
      const [stores, mode, options] = args;
      const label = `IndexedDB ${mode ?? 'readonly'}${options?.durability ? ` ${options.durability}` : ''} [${([] as string[]).concat(stores as string | string[]).join(',')}]`;
      const start = now();
      const finish = () => trace.ops.push({ label, start, end: now() });
      tx.addEventListener('complete', finish);
      tx.addEventListener('abort', finish);
      return tx;
    } as typeof transaction;
    // Reads inside the log's transactions (the daily totals an append reads before it writes).
    const get = IDBObjectStore.prototype.get;
    IDBObjectStore.prototype.get = function (this: IDBObjectStore, ...args: Parameters<typeof get>) {
      const request = get.apply(this, args);
      const start = now();
      const finish = () => trace.ops.push({ label: `IndexedDB get [${this.name}]`, start, end: now() });
      request.addEventListener('success', finish);
      request.addEventListener('error', finish);
      return request;
    } as typeof get;
    const latencies = g.activityLogger.captureLatencyMs;
    latencies.push = function (this: number[], ...values: number[]) {
      for (const latency of values) trace.samples.push({ end: now(), latency });
      return Array.prototype.push.apply(this, values);
    };
  });
}

/**
 * For the traced samples: how much of their latency each kind of call covered (its time in
 * flight inside the sample's window, clipped), and how much no traced call covered.
 */
function attribute(trace: Trace): string[] {
  const samples = trace.samples.filter((s) => s.latency > 0);
  const total = samples.reduce((sum, s) => sum + s.latency, 0);
  const byLabel = new Map<string, { covered: number; calls: number }>();
  let uncovered = 0;
  for (const sample of samples) {
    const from = sample.end - sample.latency;
    const inWindow = trace.ops
      .filter((op) => op.end > from && op.start < sample.end)
      .map((op) => ({ ...op, start: Math.max(op.start, from), end: Math.min(op.end, sample.end) }));
    for (const op of inWindow) {
      const entry = byLabel.get(op.label) ?? { covered: 0, calls: 0 };
      entry.covered += op.end - op.start;
      entry.calls++;
      byLabel.set(op.label, entry);
    }
    // Time inside the window with no traced call in flight: waiting in the queue behind
    // untraced work, the event loop, or the browser's IPC.
    const sorted = inWindow.sort((a, b) => a.start - b.start);
    let cursor = from;
    for (const op of sorted) {
      if (op.start > cursor) uncovered += op.start - cursor;
      cursor = Math.max(cursor, op.end);
    }
    if (sample.end > cursor) uncovered += sample.end - cursor;
  }
  const pct = (ms: number) => `${((100 * ms) / total).toFixed(0)}%`.padStart(4);
  return [
    ...[...byLabel.entries()]
      .sort((a, b) => b[1].covered - a[1].covered)
      .map(
        ([label, { covered, calls }]) =>
          `  ${pct(covered)} ${label.padEnd(52)} in flight ${(covered / samples.length).toFixed(1)} ms per sample (${calls} calls overlapping)`,
      ),
    `  ${pct(uncovered)} ${'(no traced call in flight)'.padEnd(52)} ${(uncovered / samples.length).toFixed(1)} ms per sample`,
  ];
}

/**
 * The critical path of each traced sample: from the signal's arrival, its own tab lookup
 * (tabs.get, issued as the event arrives), then waiting for earlier signals and the rest of
 * the step until its log transaction is created, then that transaction until it is complete.
 */
function criticalPath(trace: Trace): string[] {
  const parts = { 'own tabs.get': [] as number[], 'wait before the write (queue, other)': [] as number[], 'log write (readwrite tx)': [] as number[] };
  let matched = 0;
  for (const sample of trace.samples) {
    const from = sample.end - sample.latency;
    const write = trace.ops
      .filter((op) => op.label.startsWith('IndexedDB readwrite') && /\bevents\b/.test(op.label))
      .filter((op) => op.end <= sample.end + 1 && op.end >= sample.end - 2 && op.start >= from - 2)
      .at(-1);
    if (!write) continue;
    matched++;
    const lookup = trace.ops.find((op) => op.label === 'tabs.get' && Math.abs(op.start - from) <= 1.5);
    const beforeWrite = Math.max(0, write.start - from);
    const tabsGet = lookup ? Math.min(Math.max(0, lookup.end - from), beforeWrite) : 0;
    parts['own tabs.get'].push(tabsGet);
    parts['wait before the write (queue, other)'].push(beforeWrite - tabsGet);
    parts['log write (readwrite tx)'].push(write.end - write.start);
  }
  return [
    `critical path of ${matched} of ${trace.samples.length} traced samples (each part's own distribution):`,
    ...Object.entries(parts).map(([name, values]) => `  ${name.padEnd(52)} ${summary(values)}`),
  ];
}

async function measureFloor(browser: ExtensionBrowser, server: TestPageServer): Promise<Record<string, number[]>> {
  await browser.worker.evaluate(async () => {
    (globalThis as { __name?: unknown }).__name ??= (target: unknown) => target;
    const g = globalThis as unknown as {
      chrome: {
        storage: { local: { set(items: object): Promise<void> } };
        tabs: { get(id: number): Promise<unknown> };
        webNavigation: { onCommitted: { addListener(l: (d: { tabId: number; frameId: number }) => void): void } };
      };
      benchFloor?: Record<string, number[]>;
    };
    await g.chrome.storage.local.set({ pause: { until: null } });
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('bench-floor', 1);
      open.onupgradeneeded = () => {
        open.result.createObjectStore('plain', { autoIncrement: true });
        // The log's shape (src/store/log-schema.ts): three indexes, and the open view beside.
        const events = open.result.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
        events.createIndex('byId', 'event.id', { unique: true });
        events.createIndex('byState', ['state', 'recordedAt']);
        events.createIndex('byHost', 'host');
        open.result.createObjectStore('capture');
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const kinds = [
      'strict write',
      'relaxed write',
      'tabs.get, then strict write',
      'relaxed, log-shaped: 2 records, 3 indexes',
      'relaxed, log-shaped + the open view',
    ] as const;
    const floor: Record<string, number[]> = Object.fromEntries(kinds.map((kind) => [kind, []]));
    g.benchFloor = floor;
    // Committed as soon as everything is asked for, as the log does.
    const commit = (tx: IDBTransaction) =>
      new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
        tx.commit();
      });
    const write = (durability: IDBTransactionDurability = 'strict') => {
      const tx = db.transaction('plain', 'readwrite', { durability });
      tx.objectStore('plain').add({ at: Date.now(), title: 'a record of about the usual size', url: location.href });
      return commit(tx);
    };
    const logShaped = (withView: boolean) => {
      const tx = db.transaction(['events', 'capture'], 'readwrite', { durability: 'relaxed' });
      const at = Date.now();
      for (const truncated of [false, true]) {
        const event = { id: crypto.randomUUID(), action: 'VIEW', url: location.href, timestamp: new Date(at).toISOString(), params: truncated ? { truncated } : { duration: 1, title: 'A title' } };
        tx.objectStore('events').add({ event, state: 'pending', host: location.hostname, recordedAt: at, attempts: 0 });
      }
      if (withView) tx.objectStore('capture').put({ tabId: 1, navId: 1, url: location.href, startedAt: at, lastAliveAt: at }, 'openView');
      return commit(tx);
    };
    let turn = 0;
    g.chrome.webNavigation.onCommitted.addListener(({ tabId, frameId }) => {
      if (frameId !== 0) return;
      const at = performance.now();
      const kind = kinds[turn++ % kinds.length]!;
      const done = () => floor[kind]!.push(performance.now() - at);
      switch (kind) {
        case 'strict write':
          void write().then(done);
          break;
        case 'relaxed write':
          void write('relaxed').then(done);
          break;
        case 'tabs.get, then strict write':
          void g.chrome.tabs.get(tabId).then(() => write()).then(done);
          break;
        case 'relaxed, log-shaped: 2 records, 3 indexes':
          void logShaped(false).then(done);
          break;
        default:
          void logShaped(true).then(done);
      }
    });
  });
  await browse(browser, server, Math.min(NAVIGATIONS, 250));
  await new Promise((resolve) => setTimeout(resolve, 500));
  return browser.worker.evaluate(() => (globalThis as { benchFloor?: Record<string, number[]> }).benchFloor ?? {});
}

/**
 * The append transaction's shapes, timed side by side (`--shapes`): with capture paused, a
 * bare onCommitted listener writes, for each navigation, the next shape in turn to a scratch
 * database laid out like the log — the same records a completing append writes (the view's
 * completion and the next view's start, the open view, the span, the two totals, the check),
 * with and without parts of it. Every shape sees the same navigations, so their differences
 * are what each part costs under this load (docs/design.md §4, BENCHMARKS.md).
 */
async function measureShapes(browser: ExtensionBrowser, server: TestPageServer, navigations: number): Promise<Record<string, number[]>> {
  await browser.worker.evaluate(async () => {
    (globalThis as { __name?: unknown }).__name ??= (target: unknown) => target;
    const g = globalThis as unknown as {
      chrome: {
        storage: { local: { set(items: object): Promise<void> } };
        webNavigation: { onCommitted: { addListener(l: (d: { tabId: number; frameId: number }) => void): void } };
      };
      benchShapes?: Record<string, number[]>;
    };
    await g.chrome.storage.local.set({ pause: { until: null } });
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('bench-shapes', 1);
      open.onupgradeneeded = () => {
        const d = open.result;
        const events = d.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
        events.createIndex('byId', 'event.id', { unique: true });
        events.createIndex('byState', ['state', 'recordedAt']);
        events.createIndex('byHost', 'host');
        d.createObjectStore('capture');
        d.createObjectStore('counters');
        // As schema v4: the totals with a host index, the spans with id and host indexes.
        d.createObjectStore('siteDays', { keyPath: ['day', 'host'] }).createIndex('byHostDay', ['host', 'day']);
        d.createObjectStore('pageDays', { keyPath: ['day', 'url'] }).createIndex('byHostDay', ['host', 'day']);
        const spans = d.createObjectStore('viewSpans', { keyPath: ['day', 'id'] });
        spans.createIndex('byId', 'id');
        spans.createIndex('byHost', 'host');
        // Without indexes: the host in the keys instead.
        d.createObjectStore('siteDaysBare', { keyPath: ['day', 'host'] });
        d.createObjectStore('pageDaysBare', { keyPath: ['day', 'host', 'url'] });
        d.createObjectStore('viewSpansBare', { keyPath: ['day', 'host', 'id'] });
        // All three kinds of aggregate record in one store, told apart by the key's first part.
        d.createObjectStore('aggregates');
        // Schema v5's journal: the span alone, marked unfolded, with the sparse index that finds it.
        const journal = d.createObjectStore('viewSpansJournal', { keyPath: ['day', 'id'] });
        journal.createIndex('byId', 'id');
        journal.createIndex('byHost', 'host');
        journal.createIndex('byUnfolded', 'unfolded');
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    type Parts = { check?: 'counters' | 'aggregates'; totals?: 'indexed' | 'bare' | 'one store'; span?: boolean; journal?: boolean; extra?: number; extraStore?: string };
    // The first twice (its A/A band); then the parts of schema v4's completing append, and
    // the layouts tried against it (BENCHMARKS.md, "what the extra records cost").
    const shapes: Record<string, Parts> = {
      'before the totals: 2 events + open view': {},
      'the same again (A/A)': {},
      'v4 now: + check, span (2 indexes), 2 totals (1 index each)': { check: 'counters', totals: 'indexed', span: true },
      'v5: the span alone, unfolded (3 indexes), no totals, no check': { journal: true },
    };
    const names = Object.keys(shapes);
    const times: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
    g.benchShapes = times;
    const host = location.hostname || '127.0.0.1';
    let seq = 0;
    const append = (parts: Parts) => {
      const at = Date.now();
      const day = new Date(at).toISOString().slice(0, 10);
      const url = `http://${host}/page-${seq++ % 10}`;
      const stores = ['events', 'capture'];
      if (parts.check === 'counters') stores.push('counters');
      if (parts.totals === 'indexed') stores.push('siteDays', 'pageDays', ...(parts.span ? ['viewSpans'] : []));
      if (parts.totals === 'bare') stores.push('siteDaysBare', 'pageDaysBare', ...(parts.span ? ['viewSpansBare'] : []));
      if (parts.totals === 'one store') stores.push('aggregates');
      if (parts.journal) stores.push('viewSpansJournal');
      if (parts.extraStore && !stores.includes(parts.extraStore)) stores.push(parts.extraStore);
      const tx = db.transaction(stores, 'readwrite', { durability: 'relaxed' });
      const completion = crypto.randomUUID();
      for (const start of [false, true]) {
        const event = { id: start ? crypto.randomUUID() : completion, action: 'VIEW', url, timestamp: new Date(at).toISOString(), params: start ? { truncated: true, title: 'A title' } : { duration: 3, title: 'A title' } };
        tx.objectStore('events').add({ event, state: 'pending', host, recordedAt: at, attempts: 0 });
      }
      tx.objectStore('capture').put({ tabId: 1, navId: seq, url, startedAt: at, lastAliveAt: at }, 'openView');
      const span = { day, id: completion, host, url, title: 'A title', start: at - 3000, seconds: 3, views: 1 };
      const site = { day, host, seconds: 3 * seq, views: seq, searches: 0 };
      const page = { day, url, host, title: 'A title', seconds: 3 * seq, views: seq };
      if (parts.totals === 'indexed' || parts.totals === 'bare') {
        const suffix = parts.totals === 'bare' ? 'Bare' : '';
        if (parts.span) tx.objectStore(`viewSpans${suffix}`).put(span);
        tx.objectStore(`siteDays${suffix}`).put(site);
        tx.objectStore(`pageDays${suffix}`).put(page);
      }
      if (parts.journal) tx.objectStore('viewSpansJournal').put({ ...span, unfolded: 1 });
      if (parts.totals === 'one store') {
        const store = tx.objectStore('aggregates');
        if (parts.span) store.put(span, ['span', day, host, completion]);
        store.put(site, ['site', day, host]);
        store.put(page, ['page', day, host, url]);
      }
      for (let i = 0; i < (parts.extra ?? 0); i++) tx.objectStore(parts.extraStore!).put({ day, host, url, seconds: 3 * seq, views: seq }, `x${i}-${seq % 10}`);
      if (parts.check) {
        const store = tx.objectStore(parts.check);
        store.add(0, 'changedElsewhere');
        store.delete('changedElsewhere');
      }
      return new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
        tx.commit();
      });
    };
    let turn = 0;
    g.chrome.webNavigation.onCommitted.addListener(({ frameId }) => {
      if (frameId !== 0) return;
      const started = performance.now();
      const name = names[turn++ % names.length]!;
      void append(shapes[name]!).then(() => times[name]!.push(performance.now() - started));
    });
  });
  await browse(browser, server, navigations);
  await new Promise((resolve) => setTimeout(resolve, 500));
  return browser.worker.evaluate(() => (globalThis as { benchShapes?: Record<string, number[]> }).benchShapes ?? {});
}

/**
 * `count` same-document changes (`history.pushState` to a new query, 1.5 s apart, longer than
 * the settle time so each is its own view), each timed from the page's call to the start of
 * its view in the log.
 */
async function settleTimes(browser: ExtensionBrowser, server: TestPageServer, count: number): Promise<number[]> {
  const main = browser.mainTab;
  await main.bringToFront();
  await main.goto(server.pageUrl('settle start'));
  const pushed: { query: string; at: number }[] = [];
  for (let i = 0; i < count; i++) {
    const query = `?settle-bench=${i}`;
    const at = await main.evaluate((query) => {
      const at = Date.now();
      history.pushState(null, '', query);
      return at;
    }, query);
    pushed.push({ query, at });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
  }
  await main.goto('about:blank');
  await captureSettled(browser.worker, { timeout: 30_000 });
  const log = await readLog(browser.worker, { timeout: 30_000 });
  const times: number[] = [];
  for (const { query, at } of pushed) {
    const start = log.find((entry) => entry.event.url.endsWith(query) && (entry.event.params as { truncated?: boolean }).truncated);
    if (start) times.push(start.recordedAt - at);
    else console.log(`  no view start in the log for ${query}`);
  }
  return times;
}

/** One round in a fresh browser: the latency samples, and the browser kept open for the analysis. */
async function measureRound(
  server: TestPageServer,
  round: string,
  extensionDir?: string,
): Promise<{ latencies: number[]; browser: ExtensionBrowser }> {
  const browser = await launchExtensionBrowser({ extensionDir });
  // Measure browsing, not the start-up: let capture finish loading its state first.
  await captureSettled(browser.worker, { timeout: 30_000 });
  const started = Date.now();
  const { navigations, switches } = await browse(browser, server);
  await captureSettled(browser.worker, { timeout: 30_000 });
  const elapsed = (Date.now() - started) / 1000;
  const status = (await browser.worker.evaluate(
    () => (globalThis as { activityLogger?: BackgroundStatus }).activityLogger,
  )) as BackgroundStatus | undefined;
  const latencies = status?.captureLatencyMs ?? [];
  const records = (await readLog(browser.worker, { timeout: 30_000 })).length;
  if (status?.lastError) console.log(`background reported an error: ${status.lastError}`);
  // Latency here is mostly the browser's and the disk's, so say how busy the machine was.
  const load = loadavg().map((n) => n.toFixed(1)).join(' ');
  console.log(
    `round ${round}: ${navigations} navigations and ${switches} tab switches in ${elapsed.toFixed(1)} s; ${records} events in the log; load average ${load} on ${cpus().length} CPUs`,
  );
  console.log(`  capture latency (signal → events durable): ${summary(latencies)}`);
  return { latencies, browser };
}

/** What the baseline build is: the ref and commit `bench/build-baseline.mjs` wrote beside it. */
function describeBaseline(dir: string): string {
  const note = join(dir, '..', 'REF');
  return existsSync(note) ? `${readFileSync(note, 'utf8').trim()} (${dir})` : dir;
}

/**
 * The baseline and the current build, round by round, rotating which goes first; then each
 * build's pooled percentiles and their ratios. With `aa`, the baseline is measured a second
 * time in every round as if it were another build: the ratio of the baseline to itself is the
 * run's own noise band (what "unchanged within noise" can mean at this run's load). Only the
 * latency of full loads and tab switches: the settle time of same-document changes is
 * measured apart, on the current build.
 */
async function compareWithBaseline(server: TestPageServer, baseline: string, aa: boolean, also: readonly string[]): Promise<void> {
  const others = also.map((dir, i) => ({ name: i === 0 ? 'also' : `also ${i + 1}`, dir }));
  console.log(`before / after in the same run — before: ${describeBaseline(baseline)}; after: the current build (${CHROME_BUILD_DIR})${aa ? '; "before again": the baseline a second time (A/A)' : ''}${others.map(({ name, dir }) => `; "${name}": ${dir}`).join('')}`);
  const builds = [
    { name: 'before', dir: baseline as string | undefined },
    { name: 'after', dir: undefined },
    ...(aa ? [{ name: 'before again', dir: baseline }] : []),
    ...others,
  ];
  const pooled = new Map(builds.map((build) => [build.name, [] as number[]]));
  for (let round = 1; round <= ROUNDS; round++) {
    // B A, A B, … (or B A B', A B' B, B' B A with the A/A build): the load drifts, so each
    // build takes each place in turn.
    const shift = (round - 1) % builds.length;
    const order = builds.length > 2 ? [...builds.slice(shift), ...builds.slice(0, shift)] : round % 2 === 1 ? builds : [...builds].reverse();
    for (const { name, dir } of order) {
      const result = await measureRound(server, `${round} ${name}`, dir);
      pooled.get(name)!.push(...result.latencies);
      await result.browser.close();
    }
  }
  const sorted = new Map([...pooled].map(([name, samples]) => [name, [...samples].sort((a, b) => a - b)]));
  for (const [name, samples] of sorted) console.log(`  ${`${name},`.padEnd(13)} all ${ROUNDS} rounds: ${summary(samples)}`);
  const before = sorted.get('before')!;
  const ratios = (of: number[]) => [50, 90, 99].map((p) => `p${p} ×${(percentile(of, p) / percentile(before, p)).toFixed(2)}`).join(', ');
  console.log(`  after / before: ${ratios(sorted.get('after')!)}`);
  if (aa) console.log(`  before again / before (the noise band, A/A): ${ratios(sorted.get('before again')!)}`);
  for (const { name } of others) console.log(`  ${name} / before: ${ratios(sorted.get(name)!)}`);
}

async function main(): Promise<void> {
  const server = await startTestPageServer();
  let browser: ExtensionBrowser | undefined;
  try {
    if (Number(values.shapes) > 0) {
      const pooled: Record<string, number[]> = {};
      for (let round = 1; round <= ROUNDS; round++) {
        const shapesBrowser = await launchExtensionBrowser();
        try {
          await captureSettled(shapesBrowser.worker, { timeout: 30_000 });
          const times = await measureShapes(shapesBrowser, server, Number(values.shapes));
          for (const [name, samples] of Object.entries(times)) (pooled[name] ??= []).push(...samples);
          console.log(`shapes round ${round}: load average ${loadavg().map((n) => n.toFixed(1)).join(' ')} on ${cpus().length} CPUs`);
        } finally {
          await shapesBrowser.close();
        }
      }
      const first = [...Object.values(pooled)[0]!].sort((a, b) => a - b);
      console.log(`the append transaction's shapes, ${ROUNDS} rounds pooled (ratios to the first):`);
      for (const [name, samples] of Object.entries(pooled)) {
        const sorted = [...samples].sort((a, b) => a - b);
        const ratio = (p: number) => (percentile(sorted, p) / percentile(first, p)).toFixed(2);
        console.log(`  ${name.padEnd(60)} ${summary(samples)}  ×${ratio(50)} ×${ratio(90)} ×${ratio(99)}`);
      }
      return;
    }
    if (BASELINE) {
      if (!existsSync(join(BASELINE, 'manifest.json'))) throw new Error(`--baseline ${BASELINE}: no unpacked extension there (manifest.json missing)`);
      await compareWithBaseline(server, BASELINE, values.aa, values.also.map((dir) => resolve(dir)));
      if (SETTLE_SAMPLES > 0) {
        const result = await measureRound(server, 'settle', undefined);
        const settle = await settleTimes(result.browser, server, SETTLE_SAMPLES);
        console.log(`same-document changes, current build (pushState → view start in the log, settle time included): ${summary(settle)}`);
        await result.browser.close();
      }
      return;
    }
    const all: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const result = await measureRound(server, String(round));
      all.push(...result.latencies);
      if (round < ROUNDS) await result.browser.close();
      else browser = result.browser;
    }
    const sorted = [...all].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    const met = p50 <= TARGET_P50 && p99 <= TARGET_P99;
    console.log(
      `capture latency, all ${ROUNDS} rounds: ${summary(all)} — targets p50 ≤ ${TARGET_P50}, p99 ≤ ${TARGET_P99}: ${met ? 'met' : 'MISSED'}`,
    );
    if (SETTLE_SAMPLES > 0) {
      const settle = await settleTimes(browser!, server, SETTLE_SAMPLES);
      console.log(`same-document changes (pushState → view start in the log, settle time included): ${summary(settle)}`);
    }
    if (values.breakdown || (!met && !values['no-analysis'])) {
      const analysed = browser!;
      console.log('steps of the recording path, timed alone in the same worker (50 rounds each):');
      const steps = await breakdown(analysed, server.pageUrl('other tab'));
      for (const [name, samples] of Object.entries(steps)) console.log(`  ${name.padEnd(36)} ${summary(samples)}`);

      // A second, traced round: what was in flight while each signal waited.
      await installTrace(analysed);
      await browse(analysed, server, Math.min(NAVIGATIONS, 100));
      await captureSettled(analysed.worker, { timeout: 30_000 });
      const trace = (await analysed.worker.evaluate(
        () => (globalThis as { benchTrace?: Trace }).benchTrace,
      )) as Trace;
      console.log(`traced round: ${summary(trace.samples.map((s) => s.latency))}; share of the latency covered by each call in flight (calls overlap, so shares can add up to more than 100%):`);
      for (const line of attribute(trace)) console.log(line);
      for (const line of criticalPath(trace)) console.log(line);
      console.log('each call\'s own duration in the traced round:');
      const byLabel = new Map<string, TraceOp[]>();
      for (const op of trace.ops) byLabel.set(op.label, [...(byLabel.get(op.label) ?? []), op]);
      for (const [label, ops] of [...byLabel.entries()].sort((a, b) => b[1].length - a[1].length)) {
        console.log(`  ${label.padEnd(52)} ${summary(ops.map((op) => op.end - op.start))}`);
      }

      // The floor on this machine: with capture paused (it records nothing, so no log write
      // and no sync scheduling), a bare listener for the same navigations that only makes one
      // record durable, with each durability, and with a tabs.get first.
      const floor = await measureFloor(analysed, server);
      console.log('floor — a bare onCommitted listener, capture paused, same navigations:');
      for (const [name, samples] of Object.entries(floor)) console.log(`  ${name.padEnd(52)} ${summary(samples)}`);
    }
  } finally {
    await browser?.close();
    await server.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
