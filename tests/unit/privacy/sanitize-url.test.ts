import { describe, expect, it } from 'vitest';
import { sanitizeUrl } from '../../../src/privacy/sanitize-url';

describe('sanitizeUrl', () => {
  it.each([
    ['https://example.com/a?b=1', 'https://example.com/a?b=1'],
    ['http://user:pass@127.0.0.1:8080/p#top', 'http://127.0.0.1:8080/p'],
    ['https://bücher.example/straße', 'https://xn--bcher-kva.example/stra%C3%9Fe'],
    ['https://[::1]:8443/x', 'https://[::1]:8443/x'],
  ])('keeps %s as %s', (raw, expected) => {
    expect(sanitizeUrl(raw)).toBe(expected);
  });

  it.each([
    'about:blank',
    'chrome://settings',
    'chrome-extension://abc/popup.html',
    'moz-extension://abc/popup.html',
    'file:///etc/passwd',
    'data:text/html,<script>alert(1)</script>',
    'blob:https://example.com/1234',
    'javascript:alert(1)',
    'view-source:https://example.com',
    'not a url',
    '',
  ])('refuses %s', (raw) => {
    expect(sanitizeUrl(raw)).toBeNull();
  });
});

describe('secret query parameters', () => {
  it.each([
    ['http://127.0.0.1:8080/p?token=abc&q=1', 'http://127.0.0.1:8080/p?q=1'],
    ['https://s3.example/f?X-Amz-Signature=abc&X-Amz-Credential=me&v=2', 'https://s3.example/f?v=2'],
    ['https://example.com/cb?CODE=1&State=2&keep=3', 'https://example.com/cb?keep=3'],
    ['https://example.com/?api_key=1&apikey=2&key=3&sig=4&signature=5', 'https://example.com/'],
    ['https://example.com/?session=1&sessionid=2&auth=3&password=4&passwd=5&secret=6', 'https://example.com/'],
    ['https://example.com/?access_token=1&id_token=2&monkey=3', 'https://example.com/?monkey=3'],
  ])('removes them from %s', (raw, expected) => {
    expect(sanitizeUrl(raw)).toBe(expected);
  });

  it('leaves a query without secrets exactly as it was encoded', () => {
    expect(sanitizeUrl('https://example.com/s?q=a%20b+c&x=%E2%9C%93')).toBe('https://example.com/s?q=a%20b+c&x=%E2%9C%93');
  });
});

describe('options', () => {
  it('removes the user-added secret parameters too, case-insensitively, with * as a suffix wildcard', () => {
    const options = { extraSecretParams: ['Ticket', 'utm_*'] };
    expect(sanitizeUrl('https://example.com/?TICKET=1&utm_source=x&q=2', options)).toBe('https://example.com/?q=2');
    expect(sanitizeUrl('https://example.com/?ticket=1&q=2')).toBe('https://example.com/?ticket=1&q=2');
  });

  it('keeps the encoding of the parameters it keeps when it removes a secret', () => {
    expect(sanitizeUrl('https://example.com/s?q=a%20b+c&token=1&y=~&z=%e2%9c%93')).toBe('https://example.com/s?q=a%20b+c&y=~&z=%e2%9c%93');
  });

  it('strips all query strings on request, keeping only the named search parameter', () => {
    expect(sanitizeUrl('https://example.com/p?a=1&b=2', { stripAllQueryStrings: true })).toBe('https://example.com/p');
    expect(sanitizeUrl('https://www.google.com/search?client=x&q=a+b', { stripAllQueryStrings: true, keepParam: 'q' })).toBe(
      'https://www.google.com/search?q=a+b',
    );
  });

  it('records file: pages only when allowed, without their query and fragment secrets', () => {
    expect(sanitizeUrl('file:///home/me/a.html')).toBeNull();
    expect(sanitizeUrl('file:///home/me/a.html?token=1#x', { logFileUrls: true })).toBe('file:///home/me/a.html');
  });

  it('removes secret path parameters (;jsessionid=) that servers use instead of cookies', () => {
    expect(sanitizeUrl('https://example.com/shop;jsessionid=ABC/cart;v=2')).toBe('https://example.com/shop/cart;v=2');
  });
});

describe('length (MAX_URL_LENGTH = 8,192)', () => {
  const origin = 'https://example.com/';
  it('keeps a URL of exactly 8,192 characters', () => {
    const url = origin + 'a'.repeat(8192 - origin.length);
    expect(sanitizeUrl(url)).toBe(url);
  });

  it('drops the query of a longer URL, so the page is still recorded at a real address', () => {
    expect(sanitizeUrl(`${origin}page?q=${'x'.repeat(9000)}`)).toBe(`${origin}page`);
  });

  it('does not record a URL whose path alone is longer', () => {
    expect(sanitizeUrl(origin + 'a'.repeat(8193 - origin.length))).toBeNull();
  });
});
