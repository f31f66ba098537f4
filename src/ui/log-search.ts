import type { StoredLogEntry } from '../store/log-entry';

/** The words of a search, lower-cased; an entry matches when its title or URL has every one. */
export function searchTerms(query: string, locale?: string): string[] {
  return query
    .toLocaleLowerCase(locale)
    .split(/\s+/)
    .filter((term) => term !== '');
}

/**
 * Whether an entry matches the search box (docs/design.md §7: by title and URL). Every word must
 * appear, in either, ignoring case: "wiki design" finds "Design review" on wiki.example.com.
 */
export function matchesSearch(entry: StoredLogEntry, terms: readonly string[], locale?: string): boolean {
  if (terms.length === 0) return true;
  const haystack = `${entry.event.params?.title ?? ''}\n${entry.event.url}`.toLocaleLowerCase(locale);
  return terms.every((term) => haystack.includes(term));
}
