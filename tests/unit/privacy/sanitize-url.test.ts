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

describe('tracking parameters (TRACKING_QUERY_PARAMS)', () => {
  it.each([
    ['https://example.com/land?utm_source=news&utm_medium=email&id=7', 'https://example.com/land?id=7'],
    ['https://example.com/?UTM_Campaign=x&fbclid=1&gclid=2&dclid=3&gbraid=4&wbraid=5&msclkid=6', 'https://example.com/'],
    ['https://example.com/?mc_cid=1&mc_eid=2&igshid=3&_ga=4&_gl=5&yclid=6&twclid=7&ttclid=8', 'https://example.com/'],
    ['https://example.com/?li_fat_id=1&oly_anon_id=2&oly_enc_id=3&vero_id=4&vero_conv=5', 'https://example.com/'],
    ['https://example.com/?__hstc=1&__hssc=2&__hsfp=3&_hsenc=4&_hsmi=5&mkt_tok=6&p=1', 'https://example.com/?p=1'],
    // Parameters sites also use for content stay.
    ['https://example.com/?ref=main&source=docs&cid=9&utm=1&ga=2', 'https://example.com/?ref=main&source=docs&cid=9&utm=1&ga=2'],
  ])('removes them from %s', (raw, expected) => {
    expect(sanitizeUrl(raw)).toBe(expected);
  });

  it('keeps them when the user asked to, still removing the secrets', () => {
    expect(sanitizeUrl('https://example.com/land?utm_source=news&token=1&id=7', { keepTrackingParams: true })).toBe(
      'https://example.com/land?utm_source=news&id=7',
    );
  });
});

describe('options', () => {
  it('removes the user-added secret parameters too, case-insensitively, with * as a suffix wildcard', () => {
    const options = { extraSecretParams: ['Ticket', 'my_*'] };
    expect(sanitizeUrl('https://example.com/?TICKET=1&my_source=x&q=2', options)).toBe('https://example.com/?q=2');
    expect(sanitizeUrl('https://example.com/?ticket=1&my_source=x&q=2')).toBe('https://example.com/?ticket=1&my_source=x&q=2');
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
