import { MAX_URL_LENGTH } from '../model/activity-event';
import { TRACKING_QUERY_PARAMS } from './tracking-params';

/**
 * Query parameters that commonly carry secrets (docs/design.md §6), compared case-insensitively.
 * `x-amz-*` covers every AWS signature parameter. `jsessionid` and `phpsessid` are the
 * session cookies that Java and PHP servers put in URLs when cookies are off.
 */
export const SECRET_QUERY_PARAMS: readonly string[] = [
  'token',
  'access_token',
  'id_token',
  'code',
  'state',
  'password',
  'passwd',
  'secret',
  'api_key',
  'apikey',
  'key',
  'sig',
  'signature',
  'session',
  'sessionid',
  'jsessionid',
  'phpsessid',
  'auth',
  'x-amz-*',
];

/** The settings the sanitizer follows (their names are those of `Settings`). */
export interface SanitizeOptions {
  /** Removed on top of SECRET_QUERY_PARAMS; a trailing `*` matches any suffix. */
  extraSecretParams?: readonly string[];
  /** Keep the campaign and click ids of TRACKING_QUERY_PARAMS (removed by default). */
  keepTrackingParams?: boolean;
  /** Drop the whole query string, except `keepParam`. */
  stripAllQueryStrings?: boolean;
  /**
   * With `stripAllQueryStrings`: the parameter that carries a SEARCH's terms, which is what
   * the event is about and so is kept (compared exactly, as search engines read it).
   */
  keepParam?: string;
  /** `file:` pages are recorded only when the user allowed them (docs/design.md §3). */
  logFileUrls?: boolean;
}

function secretMatcher(extra: readonly string[]): (name: string) => boolean {
  const patterns = [...SECRET_QUERY_PARAMS, ...extra].map((secret) => secret.trim().toLowerCase()).filter(Boolean);
  return (name) => {
    const lower = name.toLowerCase();
    return patterns.some((secret) => (secret.endsWith('*') ? lower.startsWith(secret.slice(0, -1)) : lower === secret));
  };
}

/** A query or path parameter's name as a server would read it (`+` is a space in queries). */
function decodedName(encoded: string, plusIsSpace: boolean): string {
  const name = plusIsSpace ? encoded.replace(/\+/g, ' ') : encoded;
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/**
 * Filters `a=1&b=2` segment by segment. URLSearchParams would re-encode every parameter it
 * keeps (`%20` becomes `+`, `~` becomes `%7E`), and the recorded URL must stay the address
 * the user saw, so kept segments are copied byte for byte.
 */
function filterQuery(search: string, keep: (name: string) => boolean): string {
  const kept = search
    .replace(/^\?/, '')
    .split('&')
    .filter((segment) => segment !== '' && keep(decodedName(segment.split('=', 1)[0]!, true)));
  return kept.length > 0 ? `?${kept.join('&')}` : '';
}

/** `/shop;jsessionid=ABC/cart` → `/shop/cart`: Java servers carry the session in the path. */
function filterPathParams(pathname: string, isSecret: (name: string) => boolean): string {
  if (!pathname.includes(';')) return pathname;
  return pathname
    .split('/')
    .map((segment) => {
      const [head, ...params] = segment.split(';');
      const kept = params.filter((param) => !isSecret(decodedName(param.split('=', 1)[0]!, false)));
      return [head, ...kept].join(';');
    })
    .join('/');
}

/**
 * The one place a URL passes before it is stored as an event's `url` or `referrer`
 * (docs/design.md §3, §6). Returns the URL to record, or null when it must not be recorded.
 *
 * The result is the browser's canonical form (`URL.href`): an internationalized host in its
 * ASCII (punycode) form, as the browser reports it in `tabs` and `webNavigation`, and the
 * path and query with their percent-encoding as they came.
 */
export function sanitizeUrl(raw: string, options: SanitizeOptions = {}): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const webPage = url.protocol === 'http:' || url.protocol === 'https:';
  const allowedFile = url.protocol === 'file:' && options.logFileUrls === true;
  if (!webPage && !allowedFile) return null;

  // Credentials are never recorded; a fragment is in-page state, not a new page, and is
  // where single-page apps and OAuth implicit flows put tokens.
  url.username = '';
  url.password = '';
  url.hash = '';

  const isSecret = secretMatcher([
    ...(options.extraSecretParams ?? []),
    ...(options.keepTrackingParams ? [] : TRACKING_QUERY_PARAMS),
  ]);
  const pathname = filterPathParams(url.pathname, isSecret);
  if (pathname !== url.pathname) url.pathname = pathname;
  url.search = options.stripAllQueryStrings
    ? filterQuery(url.search, (name) => options.keepParam !== undefined && name === options.keepParam)
    : filterQuery(url.search, (name) => !isSecret(name));

  // A longer URL is refused by the wire format. Cutting it anywhere would make an address
  // that does not exist, so the query goes first (the page is still the page), and a path
  // that alone is too long is not recorded at all.
  if (url.href.length > MAX_URL_LENGTH) url.search = '';
  if (url.href.length > MAX_URL_LENGTH) return null;
  return url.href;
}
