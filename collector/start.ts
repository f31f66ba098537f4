import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { ACTIVITY_PATH, type ActivityInterceptor } from './activity-route';
import { createAuthenticator, generateToken } from './auth';
import { DEFAULT_BODY_LIMIT, normalizePrefix } from './config';
import type { EventStore } from './event-store';
import { EVENTS_PATH } from './events-route';
import { PostgresEventStore } from './postgres-store';
import { SYSTEM_CLOCK, startRetention, type CollectorClock, type Retention } from './retention';
import { createCollectorServer, HEALTH_PATH, type CollectorServerOptions } from './server';
import { SqliteEventStore } from './sqlite-store';

export interface StartCollectorOptions {
  /** SQLite file (created with its directory if missing), or `:memory:`. */
  dbFile?: string;
  /** `postgres://…` (or `postgresql://…`) for PostgreSQL, else a SQLite file; wins over dbFile. */
  database?: string;
  /** Default 0: any free port, read the chosen one from the result. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * The one-user shortcut token (an admin). Default: the store's tokens only, or — when the
   * store has none — a random token for this run, returned in the result.
   */
  token?: string;
  /** Path prefix before `/rest/...`, `/events`, `/healthz`; default none. */
  prefix?: string;
  /** Bytes; default 1 MiB. */
  bodyLimit?: number;
  maxConnections?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Events received more than this many days ago are deleted, at start and then hourly. */
  keepDays?: number;
  /** Stamps arrivals and runs retention; default the system clock (tests pass their own). */
  clock?: CollectorClock;
  intercept?: ActivityInterceptor;
}

/** Typed for SQLite by default (synchronous reads for tests); `RunningCollector<EventStore>` for any engine. */
export interface RunningCollector<S extends EventStore = SqliteEventStore> {
  /** Base URL including the prefix, without a trailing slash: Glean's SDK `serverURL`. */
  url: string;
  /** `POST` here: the endpoint URL the extension is configured with. */
  activityUrl: string;
  eventsUrl: string;
  healthUrl: string;
  host: string;
  port: number;
  /** The shortcut token, or undefined when only the store's tokens are accepted. */
  token: string | undefined;
  /** True when `token` was generated for this run. */
  tokenGenerated: boolean;
  prefix: string;
  store: S;
  server: Server;
  /** The `keepDays` job, when one was asked for. */
  retention: Retention | undefined;
  /** Replaces (or with undefined removes) the fault-injection hook for the next requests. */
  setInterceptor(intercept: ActivityInterceptor | undefined): void;
  /** Stops listening, drops open connections and closes the database. Safe to call twice. */
  close(): Promise<void>;
}

export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

/** Opens (and migrates) the store a `--database` value names. */
export async function openStore(database: string): Promise<EventStore> {
  return isPostgresUrl(database) ? PostgresEventStore.open(database) : new SqliteEventStore(database);
}

/** Opens the store and starts listening; what tests, benchmarks and the CLI use. */
export async function startCollector(
  options: StartCollectorOptions & { dbFile: string; database?: undefined },
): Promise<RunningCollector<SqliteEventStore>>;
export async function startCollector(options: StartCollectorOptions): Promise<RunningCollector<EventStore>>;
export async function startCollector(options: StartCollectorOptions): Promise<RunningCollector<EventStore>> {
  const database = options.database ?? options.dbFile;
  if (database === undefined) throw new Error('startCollector needs database (a postgres:// URL or a SQLite file) or dbFile');
  const store = await openStore(database);
  try {
    // Before listening: a store that cannot work (a SQLite writer thread that does not start, a
    // database that stopped answering) fails the start with its reason, not every batch with a 503.
    await store.ping().catch((error: unknown) => {
      throw new Error(`the store at ${store.location} does not answer: ${(error as Error).message}`, { cause: error });
    });
    return await listen(store, options);
  } catch (error) {
    await store.close();
    throw error;
  }
}

async function listen(store: EventStore, options: StartCollectorOptions): Promise<RunningCollector<EventStore>> {
  const host = options.host ?? '127.0.0.1';
  let token = options.token;
  const tokenGenerated = token === undefined && (await store.listTokens()).length === 0;
  if (tokenGenerated) token = generateToken();
  const prefix = normalizePrefix(options.prefix ?? '');
  const clock = options.clock ?? SYSTEM_CLOCK;
  const serverOptions: CollectorServerOptions = {
    store,
    now: clock.now,
    authenticate: createAuthenticator(store, token),
    prefix,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    maxConnections: options.maxConnections,
    headersTimeoutMs: options.headersTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
    intercept: options.intercept,
  };
  const server = createCollectorServer(serverOptions);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep backlog, so a burst of hundreds of new connections is queued rather than refused.
    server.listen({ port: options.port ?? 0, host, backlog: 2048 }, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const retention = options.keepDays === undefined ? undefined : startRetention(store, options.keepDays, clock);

  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const url = `${origin}${prefix}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    activityUrl: `${url}${ACTIVITY_PATH}`,
    eventsUrl: `${url}${EVENTS_PATH}`,
    healthUrl: `${url}${HEALTH_PATH}`,
    host,
    port,
    token,
    tokenGenerated,
    prefix,
    store,
    server,
    retention,
    setInterceptor(intercept) {
      serverOptions.intercept = intercept;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        retention?.stop();
        server.close(() => {
          store.close().then(resolve, resolve);
        });
        // Idle keep-alive sockets would otherwise hold close() open for seconds.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
