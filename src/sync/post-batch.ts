import type { RecordedEvent } from '../model/activity-event';
import { parseRetryAfter } from './backoff';
import { bodyOf } from './batch';
import { postToActivityApi, type ActivityApiRequest } from './activity-api';
import type { SyncProblem } from '../settings/stored-items';

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
const NOT_API_MESSAGE = 'the endpoint answered a web page, not the activity API';

export interface PostRequest extends Omit<ActivityApiRequest, 'body'> {
  events: readonly RecordedEvent[];
  /** For a `Retry-After` given as a date. */
  now: number;
}

export async function postBatch(request: PostRequest): Promise<PostOutcome> {
  const { events, now, ...api } = request;
  const answer = await postToActivityApi({ ...api, body: bodyOf(events) });
  if (answer.kind === 'timeout') return { kind: 'failed', message: `no answer within ${answer.seconds} s`, retryAfterMs: null };
  if (answer.kind === 'network') return { kind: 'failed', message: `network error: ${answer.reason}`, retryAfterMs: null };
  const { status } = answer;
  if (status >= 200 && status < 300) {
    if (answer.webPage) return { kind: 'failed', message: `HTTP ${status}: ${NOT_API_MESSAGE}`, retryAfterMs: null, problem: 'notApi' };
    return { kind: 'accepted' };
  }
  // The server's reason, short enough to show in the popup.
  const message = answer.reason ? `HTTP ${status}: ${answer.reason}` : `HTTP ${status} ${answer.statusText}`.trim();
  if (status === 400 || status === 413 || status === 422) return { kind: 'refused', status, message };
  if (status === 401 || status === 403) return { kind: 'unauthorized', status, message };
  return { kind: 'failed', message, retryAfterMs: parseRetryAfter(answer.retryAfter, now) };
}
