/**
 * The allow and deny lists of docs/design.md §6. A pattern is one of
 * - `example.com`: that host only;
 * - `*.example.com`: the domain and every subdomain;
 * - `*`: every host;
 * - match-pattern style `*://intranet/*`, `https://*.example.com/docs/*`: a scheme (`*` is
 *   http and https), a host as above and a path where `*` matches anything;
 * optionally with a port (`127.0.0.1:8080`). Hosts are compared as the browser reports them:
 * case-insensitively, internationalized names in their punycode form, IPv6 in brackets.
 */

export interface HostLists {
  allowList: readonly string[];
  denyList: readonly string[];
}

interface HostPattern {
  schemes: readonly string[];
  /** `null`: any host. */
  host: string | null;
  subdomains: boolean;
  port: string | null;
  /** `null`: any path. */
  path: RegExp | null;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };
const PATTERN = /^(?:(\*|https?):\/\/)?(\*|(?:\*\.)?[^/:*[\]]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?(\/.*)?$/;

/** Lowercase, punycode, canonical IPv4/IPv6: the host as `URL` would report it, or null. */
function canonicalHost(host: string): string | null {
  try {
    const parsed = new URL(`http://${host}/`);
    return parsed.hostname.replace(/\.$/, '');
  } catch {
    return null;
  }
}

function parsePattern(raw: string): HostPattern | null {
  const text = raw.trim().toLowerCase();
  if (text === '*' || text === '<all_urls>') return { schemes: ['http:', 'https:'], host: null, subdomains: false, port: null, path: null };
  const match = PATTERN.exec(text);
  if (!match) return null;
  const [, scheme, hostPart, port, pathPart] = match;
  const subdomains = hostPart!.startsWith('*.');
  let host: string | null = null;
  if (hostPart !== '*') {
    host = canonicalHost(subdomains ? hostPart!.slice(2) : hostPart!);
    if (host === null || host === '') return null;
  }
  const path =
    pathPart === undefined || pathPart === '/' || pathPart === '/*'
      ? null
      : new RegExp(`^${pathPart.split('*').map(escapeRegExp).join('.*')}$`);
  return {
    schemes: scheme === undefined || scheme === '*' ? ['http:', 'https:'] : [`${scheme}:`],
    host,
    subdomains,
    port: port ?? null,
    path,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Why a pattern is not understood, for a message next to the field; null when it is fine. */
export function hostPatternProblem(pattern: string): string | null {
  return parsePattern(pattern) === null
    ? `"${pattern}" is not a host pattern: use example.com, *.example.com or *://intranet/*`
    : null;
}

function matches(pattern: HostPattern, url: URL): boolean {
  if (!pattern.schemes.includes(url.protocol)) return false;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (pattern.host !== null) {
    const hostMatches = host === pattern.host || (pattern.subdomains && host.endsWith(`.${pattern.host}`));
    if (!hostMatches) return false;
  }
  if (pattern.port !== null && pattern.port !== (url.port || DEFAULT_PORTS[url.protocol])) return false;
  // Paths are compared as the browser encodes them; the pattern may use either form.
  if (pattern.path !== null && !pattern.path.test(url.pathname) && !pattern.path.test(safeDecode(url.pathname))) {
    return false;
  }
  return true;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Whether a page at `url` may be logged: the deny list always wins; a non-empty allow list
 * lets only its hosts through (docs/design.md §6). `file:` pages have no host and are governed by
 * their own setting ("logFileUrls"), not by these lists.
 */
export function isHostAllowed(url: string, lists: HostLists): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'file:') return true;
  const matchesAny = (patterns: readonly string[]) =>
    patterns.some((pattern) => {
      const compiled = parsePattern(pattern);
      return compiled !== null && matches(compiled, parsed);
    });
  if (matchesAny(lists.denyList)) return false;
  return lists.allowList.length === 0 || matchesAny(lists.allowList);
}
