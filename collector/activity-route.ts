import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ActivityEvent } from '../src/model/activity-event';
import { bearerToken, type Authenticate, type Principal } from './auth';
import { checkBatch } from './batch-validation';
import { discardBody, readBody } from './body';
import type { EncodedBatch, EventStore, InsertResult } from './event-store';
import { isUnavailable } from './postgres-store';
import { WRITER_STOPPED } from './sqlite-writer';
import { sendError, sendJson, type ExtraHeaders } from './respond';

export const ACTIVITY_PATH = '/rest/api/v1/activity';

/** What the collector answers for a stored batch. */
export interface ActivityAccepted {
  received: number;
  stored: number;
  duplicates: number;
}

/**
 * Fault injection for tests of clients (sync): consulted for every authorized, valid batch.
 * Return undefined to proceed normally; `respond` to answer with something else; `destroy` to
 * drop the connection without an answer. With `store: true` the batch is stored first, which
 * simulates an answer lost after the server committed (the client must retransmit, and
 * first-wins dedup must keep the count right). It may be async, e.g. to delay the answer.
 */
export type ActivityInterceptor = (batch: {
  events: readonly ActivityEvent[];
  headers: IncomingHttpHeaders;
  /** The user whose token sent the batch. */
  user: string;
  /** 1 for the first authorized, valid batch this interceptor sees, then 2, 3, ... */
  sequence: number;
}) => InterceptResult | Promise<InterceptResult>;

export type InterceptResult =
  | undefined
  | { respond: { status: number; body?: unknown; headers?: ExtraHeaders }; store?: boolean }
  | { destroy: true; store?: boolean };

export interface ActivityRouteOptions {
  store: EventStore;
  authenticate: Authenticate;
  bodyLimit: number;
  now: () => number;
  interceptor: () => ActivityInterceptor | undefined;
}

/** `POST <prefix>/rest/api/v1/activity`: auth, size, JSON, schema, then one atomic store of the batch. */
export function createActivityHandler(options: ActivityRouteOptions) {
  let sequence = 0;
  let currentInterceptor: ActivityInterceptor | undefined;

  return async function handleActivity(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Checked before a byte of the body is looked at: nothing unauthorized gets near storage,
    // and a client without the token makes the server read no more than the body limit.
    let principal: Principal | undefined;
    try {
      principal = await options.authenticate(req.headers);
    } catch (error) {
      const drained = await discardBody(req, options.bodyLimit);
      answerStoreFailure(res, error, drained);
      return;
    }
    if (!principal) {
      const drained = await discardBody(req, options.bodyLimit);
      const missing = bearerToken(req.headers) === undefined;
      sendError(
        res,
        401,
        missing ? 'missing token: send "Authorization: Bearer <token>"' : 'wrong token',
        {},
        { 'WWW-Authenticate': 'Bearer realm="activity-collector"', ...(drained ? {} : { Connection: 'close' }) },
      );
      return;
    }

    const body = await readBody(req, options.bodyLimit);
    if (body.kind === 'aborted') {
      res.destroy();
      return;
    }
    if (body.kind === 'too-large') {
      sendError(
        res,
        413,
        `request body is larger than the limit of ${options.bodyLimit} bytes: send fewer events per request`,
        { limit: options.bodyLimit },
        body.drained ? {} : { Connection: 'close' },
      );
      return;
    }

    const checked = checkBatch(body.body);
    if (!checked.ok) {
      sendError(res, checked.status, checked.message, checked.status === 400 ? { fields: checked.fields } : {});
      return;
    }
    const { batch } = checked;
    const { events } = batch;

    const intercept = options.interceptor();
    if (intercept) {
      // Counted per interceptor, so a test that installs one mid-way can say "the next request".
      if (intercept !== currentInterceptor) {
        currentInterceptor = intercept;
        sequence = 0;
      }
      sequence += 1;
      const result = await intercept({ events, headers: req.headers, user: principal.user, sequence });
      if (result) {
        if (result.store && !(await storeOrAnswer(options, batch, principal.user, res))) return;
        if ('destroy' in result) {
          res.destroy();
        } else {
          sendJson(res, result.respond.status, result.respond.body ?? {}, result.respond.headers);
        }
        return;
      }
    }

    const inserted = await storeOrAnswer(options, batch, principal.user, res);
    if (!inserted) return;
    const answer: ActivityAccepted = { received: events.length, ...inserted };
    // 200, never 202/204: Glean's SDK treats anything else as an error.
    sendJson(res, 200, answer);
  };
}

/** Stores the batch; on failure answers 503 (retryable) or 500 and returns undefined. */
async function storeOrAnswer(
  { store, now }: Pick<ActivityRouteOptions, 'store' | 'now'>,
  batch: EncodedBatch,
  user: string,
  res: ServerResponse,
): Promise<InsertResult | undefined> {
  try {
    return await store.appendEncoded(batch, user, new Date(now()));
  } catch (error) {
    answerStoreFailure(res, error, true);
    return undefined;
  }
}

/** Seconds a client is asked to wait while the database is busy or unreachable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * A busy SQLite file, a SQLite writer thread that stopped, or an unreachable PostgreSQL is a 503 with Retry-After (the client keeps
 * its events and tries again: a batch is one statement, so nothing of it was stored); any other
 * failure is a 500.
 */
export function answerStoreFailure(res: ServerResponse, error: unknown, drained: boolean): void {
  const code = (error as { code?: unknown }).code;
  const close: ExtraHeaders = drained ? {} : { Connection: 'close' };
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === WRITER_STOPPED) {
    sendError(res, 503, 'the database is busy: retry later', {}, { 'Retry-After': 1, ...close });
  } else if (isUnavailable(error)) {
    sendError(res, 503, 'the database is unavailable: retry later', {}, { 'Retry-After': UNAVAILABLE_RETRY_AFTER_SECONDS, ...close });
  } else {
    sendError(res, 500, `could not store the batch: ${(error as Error).message}`, {}, close);
  }
}
