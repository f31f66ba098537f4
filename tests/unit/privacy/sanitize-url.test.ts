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
