import type { RecordedEvent } from '../model/activity-event';
import { parseRetryAfter } from './backoff';
import { bodyOf } from './batch';

export const REQUEST_TIMEOUT_MS = 30_000;

/** What the server's answer means for the batch (docs/design.md §5). */
export type PostOutcome =
  | { kind: 'accepted' }
  /** 400 / 413 / 422: something in the batch is refused; split to find it. */
  | { kind: 'refused'; status: number; message: string }
  /** 401 / 403: stop until the settings change. */
  | { kind: 'unauthorized'; status: number; message: string }
  /** 408 / 429 / 5xx / network error / timeout: try again later. */
  | { kind: 'failed'; message: string; retryAfterMs: number | null };

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
    await response.body?.cancel().catch(() => undefined);
    return { kind: 'accepted' };
  }
  const message = await reasonOf(response);
  if (status === 400 || status === 413 || status === 422) return { kind: 'refused', status, message };
  if (status === 401 || status === 403) return { kind: 'unauthorized', status, message };
  return { kind: 'failed', message, retryAfterMs: parseRetryAfter(response.headers.get('Retry-After'), now) };
}
