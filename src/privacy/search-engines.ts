import * as z from 'zod/mini';
import { matches, nonEmpty } from '../model/schema-checks';

/** A user rule that makes a site's results pages SEARCH events (docs/design.md §2). */
export const SearchRuleSchema = z.strictObject({
  /** `example.com`, or `*.example.com` for the domain and every subdomain. */
  host: z
    .string()
    .check(z.trim(), z.toLowerCase(), matches(/^(\*\.)?[a-z0-9.-]+(:\d+)?$/, 'must be a host like example.com or *.example.com')),
  /** The query parameter that carries the search terms, e.g. `q`. */
  param: z.string().check(z.trim(), nonEmpty('must name the query parameter')),
});
export type SearchRule = z.infer<typeof SearchRuleSchema>;

/** A results page: its host matches and its path is where the engine shows results. */
interface SearchEngine {
  host: RegExp;
  path: RegExp;
  param: string;
}

// The engines of docs/design.md §2, their names in comments: the worker needs none. Hosts are
// matched whole, so `google.evil.com` is no Google.
const ENGINES: readonly SearchEngine[] = [
  { host: /^(www\.)?google\.(com|[a-z]{2}|com?\.[a-z]{2})$/, path: /^\/search$/, param: 'q' }, // Google
  { host: /^(www\.)?bing\.com$/, path: /^\/search$/, param: 'q' }, // Bing
  { host: /^(html\.|lite\.)?duckduckgo\.com$/, path: /^\/(html\/?|lite\/?)?$/, param: 'q' }, // DuckDuckGo
  { host: /^([a-z]{2}\.)?search\.yahoo\.com$/, path: /^\/(search|yhs\/search)/, param: 'p' }, // Yahoo
  { host: /^(www\.)?ecosia\.org$/, path: /^\/search$/, param: 'q' }, // Ecosia
  { host: /^(www\.)?startpage\.com$/, path: /^\/(sp|do)\/search$/, param: 'query' }, // Startpage
  { host: /^search\.brave\.com$/, path: /^\/search$/, param: 'q' }, // Brave Search
  { host: /^kagi\.com$/, path: /^\/search$/, param: 'q' }, // Kagi
];

export function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) {
    const domain = pattern.slice(2);
    return host === domain || host.endsWith(`.${domain}`);
  }
  return host === pattern;
}

/**
 * The search terms when `url` is a results page of a known engine or a user rule, else null.
 * Empty or whitespace-only terms are no search.
 */
export function detectSearchQuery(url: string, rules: readonly SearchRule[] = []): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const host = parsed.hostname.toLowerCase();
  const hostWithPort = parsed.port ? `${host}:${parsed.port}` : host;
  const param =
    rules.find((rule) => hostMatches(rule.host, rule.host.includes(':') ? hostWithPort : host))?.param ??
    ENGINES.find((engine) => engine.host.test(host) && engine.path.test(parsed.pathname))?.param;
  if (param === undefined) return null;
  const query = parsed.searchParams.get(param)?.trim();
  return query ? query : null;
}
