import { isWebPage, REQUEST_TIMEOUT_MS } from '../sync/post-batch';
import type { Translate } from './i18n';

/** What "Test connection" learned, by what it means for sync (docs/design.md §5). */
export type ConnectionResult =
  | {
      kind: 'accepted' | 'notApi' | 'unauthorized' | 'notFound' | 'refused' | 'rateLimited' | 'serverError' | 'unexpected';
      status: number;
      reason: string;
    }
  | { kind: 'network'; reason: string }
  | { kind: 'timeout'; seconds: number };

export interface ConnectionTestRequest {
  fetch: typeof fetch;
  endpointUrl: string;
  token: string;
  timeoutMs?: number;
}

const EMPTY_BATCH = JSON.stringify({ events: [] });

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
 * Sends an empty batch (`{"events": []}`) exactly as sync sends a real one — same headers,
 * token only to the endpoint, no redirects, no cookies — so what it reports is what sync will
 * meet. It records nothing at the server.
 */
export async function testConnection(request: ConnectionTestRequest): Promise<ConnectionResult> {
  // As long as sync waits, or a server sync works with would show as "no answer".
  const { fetch, endpointUrl, token, timeoutMs = REQUEST_TIMEOUT_MS } = request;
  let response: Response;
  try {
    response = await fetch(endpointUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
      body: EMPTY_BATCH,
      redirect: 'error',
      credentials: 'omit',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') return { kind: 'timeout', seconds: timeoutMs / 1000 };
    return { kind: 'network', reason: error instanceof Error ? error.message : String(error) };
  }
  const text = (await response.text().catch(() => '')).trim();
  let reason = text;
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (parsed.error !== undefined || parsed.message !== undefined) reason = String(parsed.error ?? parsed.message);
  } catch {
    // Not JSON: the text itself.
  }
  const kind = kindOf(response.status);
  // A 2xx web page (a catch-all route, a captive portal) is not the API: sync would not count it as sent.
  if (kind === 'accepted' && isWebPage(response.headers.get('Content-Type'), text)) return { kind: 'notApi', status: response.status, reason: '' };
  return { kind, status: response.status, reason: reason.slice(0, 300) };
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
