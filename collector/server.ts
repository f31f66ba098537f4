import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ACTIVITY_PATH, createActivityHandler, type ActivityInterceptor } from './activity-route';
import { createTokenCheck } from './auth';
import { discardBody } from './body';
import { normalizePrefix } from './config';
import { answerPreflight, applyCorsHeaders, isPreflight } from './cors';
import type { EventStore } from './event-store';
import { createEventsHandler, EVENTS_PATH } from './events-route';
import { sendError, sendJson } from './respond';

export const HEALTH_PATH = '/healthz';

export interface CollectorServerOptions {
  store: EventStore;
  token: string;
  /** Path before `/rest/...`, `/events` and `/healthz`, e.g. `/glean`; default none. */
  prefix?: string;
  /** Largest accepted request body in bytes; default 1 MiB. */
  bodyLimit?: number;
  /** Read on every request, so a test may swap it on the same object while the server runs. */
  intercept?: ActivityInterceptor | undefined;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** The collector's HTTP server, not yet listening. */
export function createCollectorServer(options: CollectorServerOptions): Server {
  const prefix = normalizePrefix(options.prefix ?? '');
  const checkToken = createTokenCheck(options.token);
  const handleActivity = createActivityHandler({
    store: options.store,
    checkToken,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    interceptor: () => options.intercept,
  });
  const handleEvents = createEventsHandler(options.store, prefix);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
      await refuse(req, res, 400, 'malformed request target');
      return;
    }

    let path = url.pathname;
    if (prefix) {
      if (!path.startsWith(`${prefix}/`)) {
        await refuse(req, res, 404, `not found: this collector serves under ${prefix}, e.g. POST ${prefix}${ACTIVITY_PATH}`);
        return;
      }
      path = path.slice(prefix.length);
    }

    switch (path) {
      case ACTIVITY_PATH:
        if (req.method === 'POST') return handleActivity(req, res);
        return methodNotAllowed(req, res, 'POST, OPTIONS');
      case EVENTS_PATH:
        if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(req, res, 'GET, HEAD, OPTIONS');
        // The events are someone's browsing history: same token as for writing them.
        if (!checkToken(req.headers)) {
          sendError(res, 401, 'missing or wrong token: send "Authorization: Bearer <token>"', {}, {
            'WWW-Authenticate': 'Bearer realm="activity-collector"',
          });
          return;
        }
        return handleEvents(url, res);
      case HEALTH_PATH:
        if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(req, res, 'GET, HEAD, OPTIONS');
        options.store.ping();
        sendJson(res, 200, { status: 'ok' });
        return;
      default:
        await refuse(req, res, 404, `not found: ${url.pathname} (the activity endpoint is POST ${prefix}${ACTIVITY_PATH})`);
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, 500, `internal error: ${(error as Error).message ?? String(error)}`);
    });
  });
  // A client that stalls mid-upload must not hold a connection for Node's default 5 minutes.
  server.requestTimeout = 60_000;
  return server;
}

async function methodNotAllowed(req: IncomingMessage, res: ServerResponse, allow: string): Promise<void> {
  if (req.method === 'OPTIONS') {
    // A plain OPTIONS (not a preflight) asks which methods exist.
    res.setHeader('Allow', allow);
    res.statusCode = 204;
    res.end();
    return;
  }
  await refuse(req, res, 405, `method ${req.method} not allowed here; use ${allow.replace(', OPTIONS', '')}`, {
    Allow: allow,
  });
}

/** Answers an error after the unread body, so the client sees the answer and not a reset. */
async function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  error: string,
  headers: Record<string, string> = {},
): Promise<void> {
  const drained = await discardBody(req);
  sendError(res, status, error, {}, drained ? headers : { ...headers, Connection: 'close' });
}
