import { IDBFactory } from 'fake-indexeddb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityInterceptor } from '../../../collector/activity-route';
import { startCollector, type RunningCollector } from '../../../collector/start';
import type { RecordedEvent } from '../../../src/model/activity-event';
import { uuidv7 } from '../../../src/model/event-id';
import { openEventLog, type EventLog } from '../../../src/store/event-log';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, BACKOFF_FLOOR_MS } from '../../../src/sync/backoff';
import { createSync, SUSPECT_AFTER_ATTEMPTS, UNIFORM_SINGLE_REFUSALS, type LockManagerLike, type SyncConfig, type SyncDeps } from '../../../src/sync/sync-engine';
import { SYNC_STATUS, type SyncStatus } from '../../../src/settings/stored-items';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

let dir: string;
let collector: RunningCollector;
let log: EventLog;
let status: SyncStatus;
let config: SyncConfig;

function views(count: number): RecordedEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: uuidv7(NOW + i),
    action: 'VIEW' as const,
    timestamp: new Date(NOW + i).toISOString(),
    url: `https://example.com/page/${i}`,
    params: { duration: i % 60, title: `Page ${i}` },
  }));
}

function sync(overrides: Partial<SyncDeps> = {}) {
  return createSync({
    log,
    fetch,
    loadConfig: async () => config,
    loadStatus: async () => status,
    saveStatus: async (next) => {
      status = next;
    },
    clock: () => NOW,
    random: () => 0.5,
    ...overrides,
  });
}

function intercept(interceptor: ActivityInterceptor | undefined) {
  collector.setInterceptor(interceptor);
}

/** The ids the collector holds, each as often as it holds it. */
function idsAtCollector(): string[] {
  return collector.store.all().map((stored) => stored.event.id!);
}

async function pendingCount(): Promise<number> {
  return (await log.countByState()).pending;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sync-test-'));
  collector = await startCollector({ port: 0, dbFile: join(dir, 'events.sqlite'), token: 'secret-token' });
  log = await openEventLog(new IDBFactory(), { clock: () => NOW });
  status = SYNC_STATUS.parse(undefined);
  config = {
    enabled: true,
    endpointUrl: collector.activityUrl,
    token: 'secret-token',
    limits: { maxEvents: 100, maxBytes: 512 * 1024 },
  };
});

afterEach(async () => {
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sync against the real collector', () => {
  it('sends every pending event once, oldest first, in batches of at most 100', async () => {
    const events = views(250);
    await log.append(events);
    const sizes: number[] = [];
    intercept(({ events: batch }) => {
      sizes.push(batch.length);
      return undefined;
    });
    const report = await sync().run();
    expect(report).toMatchObject({ outcome: 'done', sent: 250, rejected: 0, requests: 3 });
    expect(sizes).toEqual([100, 100, 50]);
    expect(idsAtCollector().sort()).toEqual(events.map((e) => e.id).sort());
    expect(collector.store.all()[0]?.event.id).toBe(events[0]!.id);
    expect(await log.countByState()).toEqual({ pending: 0, sent: 250, rejected: 0 });
    expect(status).toMatchObject({ state: 'idle', lastSuccessAt: NOW, failures: 0, lastError: null });
  });

  it('keeps a batch within the byte limit', async () => {
    await log.append(views(30));
    config.limits.maxBytes = 2048;
    const sizes: number[] = [];
    intercept(({ events: batch }) => {
      sizes.push(JSON.stringify({ events: batch }).length);
      return undefined;
    });
    expect((await sync().run()).sent).toBe(30);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2048);
  });

  it('counts what it delivered: the cap, run while a batch is at the server, drops none of it', async () => {
    const events = views(300);
    await log.append(events);
    let pruned: Awaited<ReturnType<EventLog['prune']>> | undefined;
    intercept(async ({ sequence }) => {
      if (sequence === 1) pruned = await log.prune({ keepSentDays: 30, maxRecords: 100 });
      return undefined;
    });
    const report = await sync().run();
    // The 100 in flight were delivered and stay; the cap took the 200 behind them.
    expect(pruned).toEqual({ removed: 0, dropped: 200 });
    expect(report).toMatchObject({ outcome: 'done', sent: 100 });
    expect(await log.countByState()).toEqual({ pending: 0, sent: 100, rejected: 0 });
    expect(await log.droppedCount()).toBe(200);
    expect(idsAtCollector()).toEqual(events.slice(0, 100).map((e) => e.id));
  });

  it('retries after the connection drops once the body was read and stored, and the server counts each event once', async () => {
    const events = views(120);
    await log.append(events);
    intercept(({ sequence }) => (sequence === 1 ? { destroy: true, store: true } : undefined));
    const first = await sync().run();
    expect(first.outcome).toBe('failed');
    expect(first.status.lastError).toMatch(/network error/);
    expect(await pendingCount()).toBe(120);

    const second = await sync().run({ force: true });
    expect(second).toMatchObject({ outcome: 'done', sent: 120 });
    expect(idsAtCollector()).toHaveLength(120);
    expect(new Set(idsAtCollector())).toEqual(new Set(events.map((e) => e.id)));
  });

  it('backs off with full jitter after a 500, and "Sync now" does not wait', async () => {
    await log.append(views(5));
    intercept(() => ({ respond: { status: 500, body: { error: 'database is down' } } }));
    const failed = await sync().run();
    expect(failed.outcome).toBe('failed');
    expect(status).toMatchObject({
      state: 'backoff',
      failures: 1,
      lastError: 'HTTP 500: database is down',
      nextAttemptAt: NOW + BACKOFF_BASE_MS * 0.5,
    });
    intercept(undefined);
    expect((await sync().run()).outcome).toBe('waiting');
    expect(idsAtCollector()).toEqual([]);
    expect(await sync().run({ force: true })).toMatchObject({ outcome: 'done', sent: 5 });
  });

  it('doubles the backoff bound with each failure in a row, up to 5 minutes', async () => {
    await log.append(views(1));
    intercept(() => ({ respond: { status: 503 } }));
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      await sync({ random: () => 0.999999 }).run({ force: true });
      waits.push(Math.round((status.nextAttemptAt! - NOW) / 1000));
    }
    expect(waits).toEqual([30, 60, 120, 240, 300, 300]);
  });

  it.each([
    ['seconds', '120', 120_000],
    ['an HTTP date', new Date(NOW + 90_000).toUTCString(), 90_000],
  ])('honours Retry-After in %s on a 429', async (_, retryAfter, expectedDelay) => {
    await log.append(views(3));
    intercept(() => ({ respond: { status: 429, headers: { 'Retry-After': retryAfter } } }));
    expect((await sync().run()).outcome).toBe('failed');
    expect(status.nextAttemptAt).toBe(NOW + expectedDelay);
    expect(await pendingCount()).toBe(3);
  });

  it('isolates one poisoned event in a batch of 100: it is rejected with the reason, the rest are sent', async () => {
    const events = views(100);
    const poisoned = events[37]!.id;
    await log.append(events);
    intercept(({ events: batch }) =>
      batch.some((event) => event.id === poisoned)
        ? { respond: { status: 400, body: { error: 'events[0].url: this host is not indexed' } } }
        : undefined,
    );
    const report = await sync().run();
    expect(report).toMatchObject({ outcome: 'done', sent: 99, rejected: 1 });
    // Halving 100 down to one event: one request per level on the poisoned side, plus its siblings.
    expect(report.requests).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(100)));
    expect(idsAtCollector()).toHaveLength(99);
    expect(idsAtCollector()).not.toContain(poisoned);
    const [rejected] = (await log.recent(200)).filter((entry) => entry.state === 'rejected');
    expect(rejected).toMatchObject({
      event: { id: poisoned },
      lastError: 'HTTP 400: events[0].url: this host is not indexed',
    });
    // Rejected is final: it is never retried on its own.
    intercept(() => {
      throw new Error('no request expected');
    });
    expect(await sync().run({ force: true })).toMatchObject({ outcome: 'done', requests: 0 });
  });

  it('rejects an event the server refuses as too large (413), and sends the rest', async () => {
    const events = views(4);
    events[2]!.params = { title: 'x'.repeat(2000) };
    await log.append(events);
    intercept(({ events: batch }) =>
      batch.some((e) => (e.params?.title?.length ?? 0) > 1000) ? { respond: { status: 413, body: { error: 'too large' } } } : undefined,
    );
    expect(await sync().run()).toMatchObject({ outcome: 'done', sent: 3, rejected: 1 });
  });

  it('stops in an auth error on 401 until the settings change, sending nothing more', async () => {
    await log.append(views(10));
    config.token = 'wrong-token';
    const report = await sync().run();
    expect(report.outcome).toBe('auth-error');
    expect(status).toMatchObject({ state: 'auth-error', lastError: 'HTTP 401: wrong token' });
    expect(await sync().run()).toMatchObject({ outcome: 'auth-error', requests: 0 });
    expect(await pendingCount()).toBe(10);
    expect(idsAtCollector()).toEqual([]);
  });

  it('treats 403 like 401', async () => {
    await log.append(views(1));
    intercept(() => ({ respond: { status: 403, body: { error: 'forbidden' } } }));
    expect((await sync().run()).outcome).toBe('auth-error');
  });

  it('gives up on a response that never comes after the timeout, and retries later', async () => {
    await log.append(views(2));
    intercept(() => new Promise(() => undefined));
    const report = await sync({ timeoutMs: 300 }).run();
    expect(report.outcome).toBe('failed');
    expect(status.lastError).toBe('no answer within 0.3 s');
    expect(await pendingCount()).toBe(2);
  });

  it('sends nothing without an endpoint or with sync turned off', async () => {
    await log.append(views(1));
    config.endpointUrl = '';
    expect((await sync().run()).outcome).toBe('disabled');
    config = { ...config, endpointUrl: collector.activityUrl, enabled: false };
    expect((await sync().run()).outcome).toBe('disabled');
    expect(idsAtCollector()).toEqual([]);
  });

  it('runs one sync at a time: a call during a run gets one run after it, shared with later calls, told what both sent', async () => {
    await log.append(views(150));
    let inFlight = 0;
    let overlapped = false;
    let requests = 0;
    intercept(async () => {
      requests++;
      overlapped ||= ++inFlight > 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      return undefined;
    });
    const engine = sync();
    const first = engine.run();
    const [second, third] = [engine.run(), engine.run({ force: true })];
    expect(second).toBe(third);
    expect(await first).toMatchObject({ outcome: 'done', sent: 150 });
    // The follow-up run finds nothing left, so nothing is sent twice; the callers who waited
    // for it are told what was sent meanwhile, not "0 sent".
    expect(await second).toMatchObject({ outcome: 'done', sent: 150, requests: 2 });
    expect(overlapped).toBe(false);
    expect(requests).toBe(2);
    expect(idsAtCollector()).toHaveLength(150);
  });

  it('stands aside while another context holds the sync lock', async () => {
    await log.append(views(1));
    const heldElsewhere: LockManagerLike = { request: (_name, _options, callback) => callback(null) };
    expect((await sync({ locks: heldElsewhere }).run()).outcome).toBe('busy');
    expect(await pendingCount()).toBe(1);
  });

  it('never sends an event that does not satisfy the wire format', async () => {
    const [good, bad] = views(2);
    const corrupt = { ...bad!, timestamp: 'yesterday' };
    const entries = [good!, corrupt].map((event, i) => ({ seq: i + 1, event, state: 'pending' as const, host: 'example.com', recordedAt: NOW, attempts: 0 }));
    const rejected: string[] = [];
    const fakeLog: SyncDeps['log'] = {
      takePending: async () => entries.filter((e) => e.state === 'pending'),
      markSent: async (ids) => {
        entries.forEach((e) => ids.includes(e.event.id) && ((e as { state: string }).state = 'sent'));
        return ids.length;
      },
      markRejected: async (list) => {
        list.forEach(({ id, message }) => {
          rejected.push(message);
          entries.forEach((e) => e.event.id === id && ((e as { state: string }).state = 'rejected'));
        });
        return list.length;
      },
      markFailed: async () => undefined,
    };
    expect(await sync({ log: fakeLog }).run()).toMatchObject({ outcome: 'done', sent: 1, rejected: 1 });
    expect(rejected).toEqual([expect.stringMatching(/^not sent: invalid ActivityEvent: timestamp/)]);
    expect(idsAtCollector()).toEqual([good!.id]);
  });
});

describe('sync when the server misbehaves (issue 13)', () => {
  const stateOf = async (id: string) => (await log.recent(10_000)).find((entry) => entry.event.id === id);

  it('never retries sooner than the backoff floor, whatever Retry-After says (0 or a past date)', async () => {
    await log.append(views(2));
    for (const retryAfter of ['0', new Date(NOW - 3600_000).toUTCString()]) {
      intercept(() => ({ respond: { status: 503, headers: { 'Retry-After': retryAfter } } }));
      for (let i = 0; i < 8; i++) {
        // random 0: the jitter draws the shortest wait it can.
        await sync({ random: () => 0 }).run({ force: true });
        expect(status.nextAttemptAt! - NOW).toBeGreaterThanOrEqual(BACKOFF_FLOOR_MS);
      }
    }
    // Retry-After longer than the backoff wins.
    intercept(() => ({ respond: { status: 503, headers: { 'Retry-After': '900' } } }));
    await sync({ random: () => 0.999 }).run({ force: true });
    expect(status.nextAttemptAt).toBe(NOW + 900_000);
    expect(await pendingCount()).toBe(2);
  });

  it('does not wait for a retry time further away than any delay sync chooses (the clock was set back)', async () => {
    await log.append(views(3));
    intercept(() => ({ respond: { status: 500 } }));
    await sync().run();
    expect(status.nextAttemptAt).toBe(NOW + BACKOFF_BASE_MS * 0.5);
    intercept(undefined);
    // The same moment in the status, but the system clock now says a day earlier.
    const dayEarlier = NOW - 24 * 3600_000;
    expect(await sync({ clock: () => dayEarlier }).run()).toMatchObject({ outcome: 'done', sent: 3 });
    // A wait sync could have chosen is still honoured.
    await log.append(views(1).map((event) => ({ ...event, id: uuidv7(NOW + 500) })));
    status = { ...status, state: 'backoff', nextAttemptAt: NOW + BACKOFF_CAP_MS };
    expect((await sync().run()).outcome).toBe('waiting');
  });

  it('takes a 2xx with a web page for a failure: nothing is marked sent', async () => {
    await log.append(views(4));
    const portal: Server = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end('<!DOCTYPE html><html><body>Welcome to the hotel Wi-Fi</body></html>');
    });
    await new Promise<void>((resolve) => portal.listen(0, '127.0.0.1', resolve));
    try {
      config.endpointUrl = `http://127.0.0.1:${(portal.address() as AddressInfo).port}/rest/api/v1/activity`;
      const report = await sync().run();
      expect(report).toMatchObject({ outcome: 'failed', sent: 0 });
      expect(status).toMatchObject({
        state: 'backoff',
        lastError: 'HTTP 200: the endpoint answered a web page, not the activity API',
        lastProblem: 'notApi',
      });
      expect(await pendingCount()).toBe(4);
    } finally {
      await new Promise((resolve) => portal.close(resolve));
    }
  });

  it('stops in "refusing" when a batch and its halves are refused alike, and keeps every event pending', async () => {
    await log.append(views(100));
    intercept(({ events }) => (events.length > 0 ? { respond: { status: 400, body: { error: 'Bad Request' } } } : undefined));
    const report = await sync().run();
    expect(report).toMatchObject({ outcome: 'refusing', rejected: 0, requests: 3 });
    expect(status).toMatchObject({ state: 'refusing', lastError: 'HTTP 400: Bad Request' });
    expect(await log.countByState()).toEqual({ pending: 100, sent: 0, rejected: 0 });
    // Stopped: later rounds send nothing until the settings change or the user asks.
    expect(await sync().run()).toMatchObject({ outcome: 'refusing', requests: 0 });
    // The server is fixed; "Sync now" sends everything.
    intercept(undefined);
    expect(await sync().run({ force: true })).toMatchObject({ outcome: 'done', sent: 100 });
  });

  it('stops in "refusing" after many single events refused alike in a row', async () => {
    await log.append(views(30));
    config.limits.maxEvents = 1;
    intercept(({ events }) => (events.length > 0 ? { respond: { status: 422, body: { error: 'schema changed' } } } : undefined));
    const report = await sync().run();
    expect(report).toMatchObject({ outcome: 'refusing', rejected: 0, requests: UNIFORM_SINGLE_REFUSALS });
    expect(await log.countByState()).toEqual({ pending: 30, sent: 0, rejected: 0 });
  });

  it('still rejects a few refused events one by one when the others go through', async () => {
    const events = views(12);
    await log.append(events);
    config.limits.maxEvents = 1;
    const bad = new Set([events[2]!.id, events[3]!.id, events[9]!.id]);
    intercept(({ events: batch }) => (batch.some((e) => bad.has(e.id!)) ? { respond: { status: 400, body: { error: 'host not indexed' } } } : undefined));
    expect(await sync().run()).toMatchObject({ outcome: 'done', sent: 9, rejected: 3 });
  });

  it('counts the attempts of each event in a failed request, and rejects nothing while the server is down', async () => {
    const events = views(10);
    await log.append(events);
    intercept(() => ({ respond: { status: 503, body: { error: 'maintenance' } } }));
    for (let i = 0; i < SUSPECT_AFTER_ATTEMPTS + 2; i++) expect((await sync().run({ force: true })).outcome).toBe('failed');
    expect(await stateOf(events[0]!.id)).toMatchObject({ state: 'pending', attempts: SUSPECT_AFTER_ATTEMPTS + 2, lastError: 'HTTP 503: maintenance' });
    expect(await log.countByState()).toEqual({ pending: 10, sent: 0, rejected: 0 });
  });

  it.each([
    ['a 500', { respond: { status: 500, body: { error: 'crashed' } } }, /^HTTP 500: crashed \(failed \d+ times while the server accepted other requests\)$/],
    ['a timeout', 'hang', /^no answer within 0.3 s \(failed \d+ times while the server accepted other requests\)$/],
  ] as const)('sets aside as rejected the event a batch keeps failing on with %s, and sends the rest', async (_, failure, reason) => {
    const events = views(40);
    const culprit = events[29]!.id;
    await log.append(events);
    intercept(({ events: batch }) => {
      if (!batch.some((e) => e.id === culprit)) return undefined;
      return failure === 'hang' ? new Promise(() => undefined) : failure;
    });
    const engine = () => sync({ timeoutMs: 300 });
    for (let i = 1; i < SUSPECT_AFTER_ATTEMPTS; i++) expect((await engine().run({ force: true })).outcome).toBe('failed');
    expect(await pendingCount()).toBe(40);
    const report = await engine().run({ force: true });
    expect(report).toMatchObject({ outcome: 'done', sent: 39, rejected: 1 });
    expect(await stateOf(culprit)).toMatchObject({ state: 'rejected', lastError: expect.stringMatching(reason) });
    expect(idsAtCollector()).toHaveLength(39);
  }, 20_000);

  it('splits a batch that keeps timing out because of its size, and rejects nothing', async () => {
    await log.append(views(40));
    intercept(({ events: batch }) => (batch.length > 25 ? new Promise(() => undefined) : undefined));
    for (let i = 1; i < SUSPECT_AFTER_ATTEMPTS; i++) await sync({ timeoutMs: 200 }).run({ force: true });
    expect(await sync({ timeoutMs: 200 }).run({ force: true })).toMatchObject({ outcome: 'done', sent: 40, rejected: 0 });
  }, 20_000);

  it('saves nothing it learnt with settings older than the ones in force (the token fixed while a sync runs)', async () => {
    await log.append(views(5));
    config.token = 'old-token';
    let generation = 1;
    config.generation = generation;
    intercept(undefined);
    // The first request, with the old token, is refused 401 after the user saved the right one.
    collector.setInterceptor(undefined);
    let first = true;
    const slowFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (first) {
        first = false;
        config = { ...config, token: 'secret-token', generation: ++generation };
      }
      return response;
    };
    const engine = sync({ fetch: slowFetch, settingsGeneration: () => generation });
    const report = await engine.run();
    expect(report.outcome).toBe('superseded');
    expect(status.state).toBe('idle');
    // The next round, not forced, uses the new token.
    expect(await engine.run()).toMatchObject({ outcome: 'done', sent: 5 });
  });
});
