import { describe, expect, it } from 'vitest';
import type { StoredLogEntry } from '../../../src/store/log-entry';
import { matchesSearch, searchTerms } from '../../../src/ui/log-search';

function entry(url: string, title?: string): StoredLogEntry {
  return {
    seq: 1,
    event: { id: '0192f1c2-7a10-7cde-8f00-0123456789ab', action: 'VIEW', timestamp: '2026-11-27T09:00:00.000Z', url, ...(title !== undefined && { params: { title } }) },
    state: 'pending',
    host: new URL(url).hostname,
    recordedAt: 0,
    attempts: 0,
  };
}

describe('searchTerms', () => {
  it('splits on white space, lower-cases, and drops blanks', () => {
    expect(searchTerms('  Design   REVIEW ')).toEqual(['design', 'review']);
    expect(searchTerms('   ')).toEqual([]);
  });
});

describe('matchesSearch', () => {
  const page = entry('https://wiki.example.com/Team/Notes?id=7', 'Design Review — Q4');

  it('finds words in the title or the URL, ignoring case', () => {
    expect(matchesSearch(page, searchTerms('design'))).toBe(true);
    expect(matchesSearch(page, searchTerms('WIKI.example'))).toBe(true);
    expect(matchesSearch(page, searchTerms('id=7'))).toBe(true);
  });

  it('needs every word, each in either place', () => {
    expect(matchesSearch(page, searchTerms('wiki review'))).toBe(true);
    expect(matchesSearch(page, searchTerms('wiki budget'))).toBe(false);
  });

  it('matches everything when the search is empty, and pages without a title by URL', () => {
    expect(matchesSearch(page, [])).toBe(true);
    expect(matchesSearch(entry('https://a.example/untitled'), searchTerms('untitled'))).toBe(true);
    expect(matchesSearch(entry('https://a.example/untitled'), searchTerms('design'))).toBe(false);
  });
});
