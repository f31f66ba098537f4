import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { ACTIVITY_PATH, type ActivityInterceptor } from './activity-route';
import { generateToken } from './auth';
import { DEFAULT_BODY_LIMIT, normalizePrefix } from './config';
import { EventStore } from './event-store';
import { EVENTS_PATH } from './events-route';
import { createCollectorServer, HEALTH_PATH, type CollectorServerOptions } from './server';

export interface StartCollectorOptions {
  /** SQLite file (created with its directory if missing), or `:memory:`. */
  dbFile: string;
  /** Default 0: any free port, read the chosen one from the result. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: a random token, returned in the result. */
  token?: string;
  /** Path prefix before `/rest/...`, `/events`, `/healthz`; default none. */
  prefix?: string;
  /** Bytes; default 1 MiB. */
  bodyLimit?: number;
  maxConnections?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  intercept?: ActivityInterceptor;
}

export interface RunningCollector {
  /** Base URL including the prefix, without a trailing slash: Glean's SDK `serverURL`. */
  url: string;
  /** `POST` here: the endpoint URL the extension is configured with. */
  activityUrl: string;
  eventsUrl: string;
  healthUrl: string;
  host: string;
  port: number;
  token: string;
  prefix: string;
  store: EventStore;
  server: Server;
  /** Replaces (or with undefined removes) the fault-injection hook for the next requests. */
  setInterceptor(intercept: ActivityInterceptor | undefined): void;
  /** Stops listening, drops open connections and closes the database. Safe to call twice. */
  close(): Promise<void>;
}

/** Opens the store and starts listening; what tests, benchmarks and the CLI use. */
export async function startCollector(options: StartCollectorOptions): Promise<RunningCollector> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? generateToken();
  const prefix = normalizePrefix(options.prefix ?? '');
  const store = new EventStore(options.dbFile);
  const serverOptions: CollectorServerOptions = {
    store,
    token,
    prefix,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    maxConnections: options.maxConnections,
    headersTimeoutMs: options.headersTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
    intercept: options.intercept,
  };
  const server = createCollectorServer(serverOptions);

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // A deep backlog, so a burst of hundreds of new connections is queued rather than refused.
      server.listen({ port: options.port ?? 0, host, backlog: 2048 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    store.close();
    throw error;
  }

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
    prefix,
    store,
    server,
    setInterceptor(intercept) {
      serverOptions.intercept = intercept;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          store.close();
          resolve();
        });
        // Idle keep-alive sockets would otherwise hold close() open for seconds.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
