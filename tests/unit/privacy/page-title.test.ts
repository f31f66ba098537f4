import { describe, expect, it } from 'vitest';
import { pageTitle } from '../../../src/privacy/page-title';
import { MAX_TITLE_LENGTH } from '../../../src/model/activity-event';

const RAW = 'http://user:pass@127.0.0.1:8080/p?token=abc#frag';

describe('pageTitle', () => {
  it.each([
    RAW,
    '127.0.0.1:8080/p?token=abc#frag',
    '127.0.0.1:8080',
    '127.0.0.1:8080/p',
    'https://elsewhere.example/',
    'user:pass@127.0.0.1:8080/p',
  ])('refuses the URL-like title %s', (title) => {
    expect(pageTitle(title, RAW)).toBeUndefined();
  });

  it('keeps a real title, trimmed', () => {
    expect(pageTitle('  Quarterly report – Wiki ', RAW)).toBe('Quarterly report – Wiki');
  });

  it('has no title for blank ones', () => {
    expect(pageTitle('   ', RAW)).toBeUndefined();
    expect(pageTitle(undefined, RAW)).toBeUndefined();
  });

  it('caps a very long title', () => {
    expect(pageTitle('x'.repeat(10_000), RAW)).toHaveLength(MAX_TITLE_LENGTH);
  });
});

describe('pageTitle keeps valid text', () => {
  it('replaces half a surrogate pair, which strict JSON servers refuse', () => {
    expect(pageTitle('a \uD800 b \uDC00', RAW)).toBe('a \uFFFD b \uFFFD');
    expect(pageTitle('ok \uD83D\uDE00', RAW)).toBe('ok \uD83D\uDE00');
  });

  it('does not cut through a surrogate pair at the cap', () => {
    const title = pageTitle(`${'x'.repeat(MAX_TITLE_LENGTH - 1)}\uD83D\uDE00`, RAW)!;
    expect(title).toBe('x'.repeat(MAX_TITLE_LENGTH - 1));
  });
});
