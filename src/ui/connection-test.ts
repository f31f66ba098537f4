import { postToActivityApi, type ActivityApiAnswer, type ActivityApiRequest } from '../sync/activity-api';
import { bodyOf } from '../sync/batch';
import type { Translate } from './i18n';

/** What "Test connection" learned, by what it means for sync (docs/design.md §5). */
export type ConnectionResult =
  | {
      kind: 'accepted' | 'notApi' | 'unauthorized' | 'notFound' | 'refused' | 'rateLimited' | 'serverError' | 'unexpected';
      status: number;
      reason: string;
    }
  /** No answer: the server could not be reached, or not in time. */
  | Exclude<ActivityApiAnswer, { kind: 'answered' }>;

function kindOf(status: number): Exclude<ConnectionResult['kind'], 'network' | 'timeout' | 'notApi'> {
  if (status >= 200 && status < 300) return 'accepted';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404 || status === 405) return 'notFound';
  if (status === 400 || status === 413 || status === 422) return 'refused';
  if (status === 408 || status === 429) return 'rateLimited';
  if (status >= 500) return 'serverError';
  return 'unexpected';
}

/**
 * Sends an empty batch (`{"events": []}`) through sync's own client (`postToActivityApi`), so
 * what it reports is what sync will meet. It records nothing at the server.
 */
export async function testConnection(request: Omit<ActivityApiRequest, 'body'>): Promise<ConnectionResult> {
  const answer = await postToActivityApi({ ...request, body: bodyOf([]) });
  if (answer.kind !== 'answered') return answer;
  const { status, reason } = answer;
  const kind = kindOf(status);
  // A 2xx web page (a catch-all route, a captive portal) is not the API: sync would not count it as sent.
  if (kind === 'accepted' && answer.webPage) return { kind: 'notApi', status, reason: '' };
  return { kind, status, reason };
}

/** The result in words: the status code, then what it means for sync. */
export function describeConnection(result: ConnectionResult, t: Translate): string {
  switch (result.kind) {
    case 'network':
      return t('connectionNetwork', result.reason);
    case 'timeout':
      return t('connectionTimeout', result.seconds);
    default: {
      const meaning = {
        accepted: t('connectionAccepted'),
        notApi: t('connectionNotApi'),
        unauthorized: t('connectionUnauthorized'),
        notFound: t('connectionNotFound'),
        refused: t('connectionRefused'),
        rateLimited: t('connectionRateLimited'),
        serverError: t('connectionServerError'),
        unexpected: t('connectionUnexpected'),
      }[result.kind];
      const said = result.reason && result.kind !== 'accepted' ? ` ${t('connectionServerSaid', result.reason)}` : '';
      return `HTTP ${result.status}: ${meaning}${said}`;
    }
  }
}
