import type { RecordedEvent } from '../model/activity-event';
import { parseRetryAfter } from './backoff';
import { bodyOf } from './batch';
import type { SyncProblem } from '../settings/stored-items';

export const REQUEST_TIMEOUT_MS = 30_000;

/** What the server's answer means for the batch (docs/design.md §5). */
export type PostOutcome =
  | { kind: 'accepted' }
  /** 400 / 413 / 422: something in the batch is refused; split to find it. */
  | { kind: 'refused'; status: number; message: string }
  /** 401 / 403: stop until the settings change. */
  | { kind: 'unauthorized'; status: number; message: string }
  /** 408 / 429 / 5xx / network error / timeout / a web page instead of the API: try again later. */
  | { kind: 'failed'; message: string; retryAfterMs: number | null; problem?: SyncProblem };

/** Said when a 2xx carries a web page: the request reached something, but not the activity API. */
export const NOT_API_MESSAGE = 'the endpoint answered a web page, not the activity API';

/**
 * A catch-all route, a login page or a captive portal answers 200 with HTML; the activity API
 * answers JSON or nothing. Such a 2xx delivered nothing.
 */
export function isWebPage(contentType: string | null, body: string): boolean {
  if (contentType !== null && /\b(text\/html|application\/xhtml\+xml)\b/i.test(contentType)) return true;
  return /^\s*<(!doctype\s+html|html|head|body)\b/i.test(body);
}

export interface PostRequest {
  fetch: typeof fetch;
  endpointUrl: string;
  token: string;
  events: readonly RecordedEvent[];
  now: number;
  timeoutMs?: number;
}

/** The server's reason, short enough to show in the popup. */
async function reasonOf(response: Response): Promise<string> {
  const text = (await response.text().catch(() => '')).trim();
  let reason = text;
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    reason = String(parsed.error ?? parsed.message ?? text);
  } catch {
    // Not JSON: the text itself.
  }
  reason = reason.slice(0, 500);
  return reason ? `HTTP ${response.status}: ${reason}` : `HTTP ${response.status} ${response.statusText}`.trim();
}

export async function postBatch(request: PostRequest): Promise<PostOutcome> {
  const { fetch, endpointUrl, token, events, now, timeoutMs = REQUEST_TIMEOUT_MS } = request;
  let response: Response;
  try {
    response = await fetch(endpointUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(token && { Authorization: `Bearer ${token}` }),
      },
      body: bodyOf(events),
      // The token goes to the endpoint's origin and nowhere else: no redirects, no cookies.
      redirect: 'error',
      credentials: 'omit',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return {
      kind: 'failed',
      message: timedOut ? `no answer within ${timeoutMs / 1000} s` : `network error: ${String((error as Error).message ?? error)}`,
      retryAfterMs: null,
    };
  }
  const { status } = response;
  if (status >= 200 && status < 300) {
    const body = await response.text().catch(() => '');
    if (isWebPage(response.headers.get('Content-Type'), body)) {
      return { kind: 'failed', message: `HTTP ${status}: ${NOT_API_MESSAGE}`, retryAfterMs: null, problem: 'notApi' };
    }
    return { kind: 'accepted' };
  }
  const message = await reasonOf(response);
  if (status === 400 || status === 413 || status === 422) return { kind: 'refused', status, message };
  if (status === 401 || status === 403) return { kind: 'unauthorized', status, message };
  return { kind: 'failed', message, retryAfterMs: parseRetryAfter(response.headers.get('Retry-After'), now) };
}
