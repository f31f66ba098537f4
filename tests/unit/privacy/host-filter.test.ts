import { describe, expect, it } from 'vitest';
import { hostPatternProblem, isHostAllowed } from '../../../src/privacy/host-filter';

/** Whether `url` matches the single pattern `pattern`: an allow list of that pattern alone. */
function matchesHostPattern(pattern: string, url: string): boolean {
  return isHostAllowed(url, { allowList: [pattern], denyList: [] });
}

describe('a single host pattern', () => {
  it.each([
    ['example.com', 'https://example.com/a', true],
    ['example.com', 'https://www.example.com/', false],
    ['example.com', 'https://example.com.evil.net/', false],
    ['EXAMPLE.com', 'https://example.COM/', true],
    ['*.example.com', 'https://example.com/', true],
    ['*.example.com', 'https://a.b.example.com/', true],
    ['*.example.com', 'https://badexample.com/', false],
    ['*', 'https://anything.test/', true],
    ['*://intranet/*', 'http://intranet/wiki', true],
    ['*://intranet/*', 'https://intranet:8443/', true],
    ['*://intranet/*', 'ftp://intranet/', false],
    ['https://bank.example/*', 'http://bank.example/', false],
    ['https://*.bank.example', 'https://online.bank.example/login', true],
    ['*://docs.example/private/*', 'https://docs.example/private/a', true],
    ['*://docs.example/private/*', 'https://docs.example/public/a', false],
    ['127.0.0.1:8080', 'http://127.0.0.1:8080/', true],
    ['127.0.0.1:8080', 'http://127.0.0.1:9090/', false],
    ['example.com:443', 'https://example.com/', true],
    ['[::1]', 'http://[::1]:3000/', true],
    ['bücher.example', 'https://xn--bcher-kva.example/', true],
    ['example.com', 'https://example.com./', true],
    ['example.com/', 'https://example.com/x', true],
  ])('%s matches %s: %s', (pattern, url, expected) => {
    expect(matchesHostPattern(pattern, url)).toBe(expected);
  });

  it.each(['', 'not a pattern', 'foo.*.com', 'ftp://example.com/*', 'http://', '*.'])('understands nothing of %j', (pattern) => {
    expect(hostPatternProblem(pattern)).toMatch(/is not a host pattern/);
    expect(matchesHostPattern(pattern, 'https://example.com/')).toBe(false);
  });

  it.each(['example.com', '*.example.com', '*://intranet/*', '127.0.0.1:8080', '[::1]', '*'])('accepts %j', (pattern) => {
    expect(hostPatternProblem(pattern)).toBeNull();
  });
});

describe('isHostAllowed', () => {
  it('allows everything with empty lists', () => {
    expect(isHostAllowed('https://a.example/', { allowList: [], denyList: [] })).toBe(true);
  });

  it('lets only allow-listed hosts through when the allow list is not empty', () => {
    const lists = { allowList: ['*.work.example'], denyList: [] };
    expect(isHostAllowed('https://wiki.work.example/', lists)).toBe(true);
    expect(isHostAllowed('https://news.example/', lists)).toBe(false);
  });

  it('lets the deny list win over the allow list', () => {
    expect(isHostAllowed('https://hr.work.example/', { allowList: ['*.work.example'], denyList: ['hr.work.example'] })).toBe(false);
  });

  it('leaves file: pages to their own setting (they have no host)', () => {
    expect(isHostAllowed('file:///home/me/a.html', { allowList: ['*.work.example'], denyList: ['*'] })).toBe(true);
  });

  it('allows nothing that is not a URL', () => {
    expect(isHostAllowed('not a url', { allowList: [], denyList: [] })).toBe(false);
  });
});
