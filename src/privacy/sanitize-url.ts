/**
 * Query parameters that commonly carry secrets (design.md §6), compared case-insensitively.
 * `x-amz-*` covers every AWS signature parameter.
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
  'auth',
  'x-amz-*',
];

function isSecretParam(name: string, secrets: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return secrets.some((secret) =>
    secret.endsWith('*') ? lower.startsWith(secret.slice(0, -1)) : lower === secret,
  );
}

/**
 * The one place a URL passes before it is stored as an event's `url` or `referrer`
 * (design.md §3, §6). Returns the URL to record, or null when it must not be recorded.
 */
export function sanitizeUrl(raw: string, secrets: readonly string[] = SECRET_QUERY_PARAMS): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // Credentials are never recorded; a fragment is in-page state, not a new page.
  url.username = '';
  url.password = '';
  url.hash = '';
  // Deleting re-encodes the whole query, so a query without secrets is left untouched.
  const secretNames = [...new Set(url.searchParams.keys())].filter((name) => isSecretParam(name, secrets));
  for (const name of secretNames) url.searchParams.delete(name);
  return url.href;
}
