/**
 * The one place a URL passes before it is stored as an event's `url` or `referrer`
 * (design.md §3, §6). Returns the URL to record, or null when it must not be recorded.
 */
export function sanitizeUrl(raw: string): string | null {
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
  return url.href;
}
