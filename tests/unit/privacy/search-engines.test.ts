import { describe, expect, it } from 'vitest';
import { detectSearchQuery, hostMatches } from '../../../src/privacy/search-engines';

describe('detectSearchQuery', () => {
  it.each([
    ['https://www.google.com/search?q=glean+api', 'glean api'],
    ['https://www.google.co.uk/search?q=tea', 'tea'],
    ['https://google.de/search?hl=de&q=b%C3%BCcher', 'bücher'],
    ['https://www.bing.com/search?q=weather&form=QBLH', 'weather'],
    ['https://duckduckgo.com/?q=privacy&ia=web', 'privacy'],
    ['https://html.duckduckgo.com/html/?q=lite', 'lite'],
    ['https://search.yahoo.com/search?p=news', 'news'],
    ['https://uk.search.yahoo.com/search?p=cricket', 'cricket'],
    ['https://www.ecosia.org/search?method=index&q=trees', 'trees'],
    ['https://www.startpage.com/sp/search?query=quiet', 'quiet'],
    ['https://search.brave.com/search?q=lion&source=web', 'lion'],
    ['https://kagi.com/search?q=paid', 'paid'],
  ])('finds the query of %s', (url, query) => {
    expect(detectSearchQuery(url)).toBe(query);
  });

  it.each([
    'https://www.google.com/maps?q=paris', // not the results path
    'https://google.evil.example/search?q=x', // not Google
    'https://www.google.com/search?q=%20%20', // blank terms
    'https://www.google.com/search', // no terms
    'https://duckduckgo.com/about',
    'https://example.com/search?q=x', // no rule for this site
    'not a url',
  ])('finds no search in %s', (url) => {
    expect(detectSearchQuery(url)).toBeNull();
  });

  it('follows user rules by host pattern and parameter, before the built-in engines', () => {
    const rules = [
      { host: '*.intranet.example', param: 'terms' },
      { host: '127.0.0.1:8080', param: 'find' },
    ];
    expect(detectSearchQuery('https://wiki.intranet.example/s?terms=budget', rules)).toBe('budget');
    expect(detectSearchQuery('https://intranet.example/s?terms=plan', rules)).toBe('plan');
    expect(detectSearchQuery('http://127.0.0.1:8080/?find=x', rules)).toBe('x');
    expect(detectSearchQuery('http://127.0.0.1:9090/?find=x', rules)).toBeNull();
  });
});

describe('hostMatches', () => {
  it('matches a host exactly, or a domain and its subdomains with *.', () => {
    expect(hostMatches('example.com', 'example.com')).toBe(true);
    expect(hostMatches('example.com', 'www.example.com')).toBe(false);
    expect(hostMatches('*.example.com', 'a.b.example.com')).toBe(true);
    expect(hostMatches('*.example.com', 'example.com')).toBe(true);
    expect(hostMatches('*.example.com', 'badexample.com')).toBe(false);
  });
});
