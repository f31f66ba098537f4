import { describe, expect, it } from 'vitest';
import { visitClassifier } from '../../../src/history/classify-visit';
import { DEFAULT_SETTINGS } from '../../../src/settings/settings';

describe('visitClassifier', () => {
  const classify = visitClassifier({ ...DEFAULT_SETTINGS, denyList: ['*.bank.example'] });

  it('makes a visit a HISTORICAL_VIEW with the sanitized URL and its title', () => {
    expect(classify('https://user:pw@wiki.example/page?token=1&q=2#top', 'Design notes')).toEqual({
      action: 'HISTORICAL_VIEW',
      url: 'https://wiki.example/page?q=2',
      title: 'Design notes',
    });
  });

  it('makes a results page a HISTORICAL_SEARCH with its query', () => {
    expect(classify('https://www.google.com/search?q=glean+api', 'glean api - Google Search')).toEqual({
      action: 'HISTORICAL_SEARCH',
      url: 'https://www.google.com/search?q=glean+api',
      title: 'glean api - Google Search',
      query: 'glean api',
    });
  });

  it('records nothing for denied hosts and pages that are never recorded', () => {
    expect(classify('https://online.bank.example/account', 'Account')).toBeNull();
    expect(classify('chrome://settings/', 'Settings')).toBeNull();
    expect(classify('file:///home/me/notes.html', 'Notes')).toBeNull();
  });

  it('keeps only the search terms under "Strip all query strings", and drops URL-like titles', () => {
    const strict = visitClassifier({ ...DEFAULT_SETTINGS, stripAllQueryStrings: true });
    expect(strict('https://www.bing.com/search?q=tea&form=QBLH', 'www.bing.com/search?q=tea')).toEqual({
      action: 'HISTORICAL_SEARCH',
      url: 'https://www.bing.com/search?q=tea',
      title: undefined,
      query: 'tea',
    });
    expect(strict('https://wiki.example/page?id=7', 'Page 7')).toEqual({ action: 'HISTORICAL_VIEW', url: 'https://wiki.example/page', title: 'Page 7' });
  });
});
