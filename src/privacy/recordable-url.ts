import { sanitizeUrl, type SanitizeOptions } from './sanitize-url';
import { detectSearchQuery, type SearchRule } from './search-engines';

export interface UrlRules extends SanitizeOptions {
  searchRules: readonly SearchRule[];
}

/**
 * What a visited URL is recorded as (docs/design.md §2, §6), for live capture and history import
 * alike: the sanitized URL (null: not recorded) and, for a results page, its search terms.
 * Secrets go before the search is recognised; "strip all query strings" after, so that it
 * can keep the search terms, which are what a SEARCH records.
 */
export function recordableUrl(rawUrl: string, rules: UrlRules): { url: string | null; query: string | null } {
  let url = sanitizeUrl(rawUrl, { ...rules, stripAllQueryStrings: false });
  const query = url === null ? null : detectSearchQuery(url, rules.searchRules);
  if (url !== null && rules.stripAllQueryStrings) {
    url = sanitizeUrl(url, { ...rules, keepParam: query === null ? undefined : searchParam(url, query, rules) });
  }
  return { url, query };
}

/** The query parameter that alone still makes `url` the results page for `query`. */
function searchParam(url: string, query: string, rules: UrlRules): string | undefined {
  const names = new Set(new URL(url).searchParams.keys());
  return [...names].find((name) => {
    const alone = sanitizeUrl(url, { stripAllQueryStrings: true, keepParam: name });
    return alone !== null && detectSearchQuery(alone, rules.searchRules) === query;
  });
}
