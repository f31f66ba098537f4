import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject, onTestFinished } from 'vitest';
import type { EventStore } from '../../../collector/event-store';
import { startCollector, type RunningCollector, type StartCollectorOptions } from '../../../collector/start';
import type { ActivityEvent } from '../../../src/model/activity-event';
import { uuidv7 } from '../../../src/model/event-id';

export const TOKEN = 'test-token-0123456789';

/** A fresh temp directory, removed after the current test (call inside a test). */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'collector-test-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

let currentEngine: Engine = 'sqlite';

/**
 * The collector's tests are written once and run on both engines: `describeEngines` runs the
 * block for SQLite, then for PostgreSQL, and `useCollector`/`newDatabase` inside it use that
 * block's engine.
 */
export function describeEngines(name: string, body: (engine: Engine) => void): void {
  describe.each(ENGINES)(`${name} [%s]`, (engine) => {
    let previous: Engine;
    beforeAll(() => {
      previous = currentEngine;
      currentEngine = engine;
    });
    afterAll(() => {
      currentEngine = previous;
    });
    body(engine);
  });
}

export function engineInUse(): Engine {
  return currentEngine;
}

let databaseCounter = 0;

async function adminQuery(text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: inject('postgresAdminUrl') });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/**
 * A PostgreSQL "database" of its own for the current test: a schema in the shared cluster,
 * named in the URL's search_path (creating one takes a millisecond, a database ~0.5 s), dropped
 * after the test.
 */
export async function newPostgresDatabase(): Promise<string> {
  databaseCounter += 1;
  const name = `t_${process.pid}_${databaseCounter}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(`CREATE SCHEMA ${name}`);
  onTestFinished(() => adminQuery(`DROP SCHEMA IF EXISTS ${name} CASCADE`));
  const url = new URL(inject('postgresAdminUrl'));
  url.searchParams.set('options', `-c search_path=${name}`);
  return url.toString();
}

/** A `database` value for the current test and engine: a fresh SQLite file or PostgreSQL database. */
export async function newDatabase(engine: Engine = currentEngine): Promise<string> {
  return engine === 'postgres' ? newPostgresDatabase() : join(tempDir(), 'events.sqlite');
}

/** The stored `event` texts, oldest first, read from the database itself (SQLite file or PostgreSQL URL). */
export async function storedEventTexts(database: string): Promise<string[]> {
  if (/^postgres(ql)?:/.test(database)) {
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      return (await client.query<{ event: string }>('SELECT event FROM events ORDER BY seq')).rows.map((row) => row.event);
    } finally {
      await client.end();
    }
  }
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(database, { readonly: true });
  try {
    return db.prepare<[], { event: string }>('SELECT event FROM events ORDER BY seq').all().map((row) => row.event);
  } finally {
    db.close();
  }
}

/**
 * Starts a real collector (port 0, a fresh database of the block's engine) for the current
 * test and stops it when the test finishes. Call inside a test.
 */
export async function useCollector(options: Partial<StartCollectorOptions> = {}): Promise<RunningCollector<EventStore>> {
  const database = options.database ?? (await newDatabase());
  const collector = await startCollector({ port: 0, token: TOKEN, ...options, database });
  // Registered after the database's own hook, so it runs first: closed before dropped/removed.
  onTestFinished(() => collector.close());
  return collector;
}

let counter = 0;

/** A valid event; every call gets a new id and URL unless overridden. */
export function makeEvent(overrides: Partial<ActivityEvent> & Record<string, unknown> = {}): ActivityEvent {
  counter += 1;
  return {
    id: uuidv7(Date.parse('2026-11-27T17:24:19.123Z') + counter),
    action: 'VIEW',
    timestamp: '2026-11-27T17:24:19.123Z',
    url: `https://docs.example.com/page-${counter}`,
    params: { title: `Page ${counter}`, truncated: true },
    ...overrides,
  };
}

export function authHeaders(token = TOKEN): Record<string, string> {
  return { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` };
}

/** POSTs a body (object → compact JSON, string as is) to the activity endpoint with fetch. */
export async function postActivity(
  collector: Pick<RunningCollector<EventStore>, 'activityUrl'>,
  body: unknown,
  headers: Record<string, string> = authHeaders(),
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(collector.activityUrl, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

export async function getJson(
  url: string,
  headers: Record<string, string> = authHeaders(),
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { headers });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/**
 * A request through node:http for what fetch cannot say exactly: an empty header value, a body
 * sent in chunks without Content-Length, a chosen request target.
 */
export function rawRequest(
  collector: RunningCollector<EventStore>,
  options: {
    method: string;
    path: string;
    headers?: OutgoingHttpHeaders;
    chunks?: (string | Buffer)[];
    /** Leave the upload unfinished (for a declared length never sent); the socket is dropped after the answer. */
    keepOpen?: boolean;
  },
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: collector.host, port: collector.port, method: options.method, path: options.path, headers: options.headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          if (options.keepOpen) req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    for (const chunk of options.chunks ?? []) req.write(chunk);
    if (!options.keepOpen) req.end();
  });
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `npm run collector` minus npm: the same `tsx collector/main.ts`, killed after the test if still running. */
export function runCli(args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', 'collector/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, COLLECTOR_TOKEN: '', COLLECTOR_PORT: '', DATABASE_URL: '', ...env },
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

/** Stdout up to `until`; the stream stays open, as closing it would break the child's later logging. */
export function output(child: ChildProcessWithoutNullStreams, until: RegExp): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    child.stdout.setEncoding('utf8');
    const onData = (chunk: string): void => {
      text += chunk;
      if (until.test(text)) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve(text);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', () => resolve(text));
  });
}

/** A collector process of its own (`npm run collector`) on `database`, with TOKEN, on a free port. */
export interface CollectorProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  activityUrl: string;
  healthUrl: string;
}

export async function startCollectorProcess(database: string): Promise<CollectorProcess> {
  const child = runCli(['--port', '0', '--database', database, '--token', TOKEN]);
  const text = await output(child, /Ctrl\+C/);
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
  if (!url) throw new Error(`the collector did not start:\n${text}`);
  return { child, url, activityUrl: `${url}/rest/api/v1/activity`, healthUrl: `${url}/healthz` };
}
