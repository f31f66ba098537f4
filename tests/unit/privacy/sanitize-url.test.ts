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
