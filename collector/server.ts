import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ACTIVITY_PATH, answerStoreFailure, createActivityHandler, type ActivityInterceptor } from './activity-route';
import type { Authenticate } from './auth';
import { discardBody } from './body';
import { normalizePrefix } from './config';
import { answerPreflight, applyCorsHeaders, isPreflight } from './cors';
import type { EventStore } from './event-store';
import { createEventsHandler, EVENTS_PATH } from './events-route';
import { sendError, sendJson } from './respond';

export const HEALTH_PATH = '/healthz';

export interface CollectorServerOptions {
  store: EventStore;
  /** Who a request's token belongs to (createAuthenticator). */
  authenticate: Authenticate;
  /** Path before `/rest/...`, `/events` and `/healthz`, e.g. `/glean`; default none. */
  prefix?: string;
  /** Largest accepted request body in bytes; default 1 MiB. */
  bodyLimit?: number;
  /** Most open connections; more are closed as they arrive. Default 1,000. */
  maxConnections?: number;
  /** Milliseconds a client has to send the request line and headers; default 5,000. */
  headersTimeoutMs?: number;
  /** Milliseconds a client has to send the whole request, body included; default 15,000. */
  requestTimeoutMs?: number;
  /** When a batch arrived, in ms since the epoch; default Date.now. */
  now?: () => number;
  /** Read on every request, so a test may swap it on the same object while the server runs. */
  intercept?: ActivityInterceptor | undefined;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_MAX_CONNECTIONS = 1000;
// Seconds, not Node's minutes: a 1 MiB batch takes well under a second on any usable link, and
// a client trickling bytes must not hold a connection (and a slot of the cap) for long.
const DEFAULT_HEADERS_TIMEOUT_MS = 5_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** The collector's HTTP server, not yet listening. */
export function createCollectorServer(options: CollectorServerOptions): Server {
  const prefix = normalizePrefix(options.prefix ?? '');
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const handleActivity = createActivityHandler({
    store: options.store,
    authenticate: options.authenticate,
    bodyLimit,
    now: options.now ?? Date.now,
    interceptor: () => options.intercept,
  });
  const handleEvents = createEventsHandler(options.store, prefix);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refuse = (status: number, error: string, headers: Record<string, string> = {}) =>
      refuseAfterBody(req, res, bodyLimit, status, error, headers);
    applyCorsHeaders(req, res);
    res.setHeader('X-Content-Type-Options', 'nosniff');

    if (isPreflight(req)) {
      if (!answerPreflight(req, res)) {
        sendError(res, 403, `origin ${JSON.stringify(req.headers.origin ?? null)} is not allowed: only browser extensions may call this collector from a browser`);
      }
      return;
    }

    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://collector.invalid');
    } catch {
      await refuse(400, 'malformed request target');
      return;
    }

    let path = url.pathname;
    if (prefix) {
      if (!path.startsWith(`${prefix}/`)) {
        await refuse(404, `not found: this collector serves under ${prefix}, e.g. POST ${prefix}${ACTIVITY_PATH}`);
        return;
      }
      path = path.slice(prefix.length);
    }

    switch (path) {
      case ACTIVITY_PATH:
        if (req.method === 'POST') return handleActivity(req, res);
        return methodNotAllowed(req, res, refuse, 'POST, OPTIONS');
      case EVENTS_PATH:
        if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(req, res, refuse, 'GET, HEAD, OPTIONS');
        // The events are someone's browsing history: same tokens as for writing them.
        {
          let principal;
          try {
            principal = await options.authenticate(req.headers);
          } catch (error) {
            answerStoreFailure(res, error, true);
            return;
          }
          if (!principal) {
            sendError(res, 401, 'missing or wrong token: send "Authorization: Bearer <token>"', {}, {
              'WWW-Authenticate': 'Bearer realm="activity-collector"',
            });
            return;
          }
          return handleEvents(url, principal, res);
        }
      case HEALTH_PATH:
        if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(req, res, refuse, 'GET, HEAD, OPTIONS');
        try {
          await options.store.ping();
        } catch (error) {
          answerStoreFailure(res, error, true);
          return;
        }
        sendJson(res, 200, { status: 'ok' });
        return;
      default:
        await refuse(404, `not found: ${url.pathname} (the activity endpoint is POST ${prefix}${ACTIVITY_PATH})`);
    }
  }

  const headersTimeout = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const requestTimeout = Math.max(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, headersTimeout);
  const server = createServer({
    headersTimeout,
    requestTimeout,
    // Node looks for expired requests this often (default 30 s, which would stretch every timeout).
    connectionsCheckingInterval: Math.min(1000, headersTimeout),
  }, (req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, 500, `internal error: ${(error as Error).message ?? String(error)}`);
    });
  });
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  return server;
}

type Refuse = (status: number, error: string, headers?: Record<string, string>) => Promise<void>;

async function methodNotAllowed(req: IncomingMessage, res: ServerResponse, refuse: Refuse, allow: string): Promise<void> {
  if (req.method === 'OPTIONS') {
    // A plain OPTIONS (not a preflight) asks which methods exist.
    res.setHeader('Allow', allow);
    res.statusCode = 204;
    res.end();
    return;
  }
  await refuse(405, `method ${req.method} not allowed here; use ${allow.replace(', OPTIONS', '')}`, {
    Allow: allow,
  });
}

/** Answers an error after the unread body (up to the limit), so the client sees the answer and not a reset. */
async function refuseAfterBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  status: number,
  error: string,
  headers: Record<string, string> = {},
): Promise<void> {
  const drained = await discardBody(req, limit);
  sendError(res, status, error, {}, drained ? headers : { ...headers, Connection: 'close' });
}
