import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, endpointProblem, parseStoredSettings, syncConfigured } from '../../../src/settings/settings';

describe('settings', () => {
  it('has defaults for every field', () => {
    expect(DEFAULT_SETTINGS).toEqual({
      version: 1,
      idleThresholdSeconds: 60,
      logPrivateWindows: false,
      searchRules: [],
      allowList: [],
      denyList: [],
      stripAllQueryStrings: false,
      extraSecretParams: [],
      keepTrackingParams: false,
      countAudibleTime: true,
      logFileUrls: false,
      endpointUrl: '',
      syncEnabled: true,
      syncIntervalMinutes: 5,
      batchMaxEvents: 100,
      batchMaxBytes: 512 * 1024,
      keepSentDays: 30,
      maxRecords: 100_000,
      keepSummaryDays: 400,
    });
    expect(parseStoredSettings(undefined)).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps valid stored fields and replaces invalid ones by their default', () => {
    expect(parseStoredSettings({ idleThresholdSeconds: 5, logPrivateWindows: true })).toEqual({
      ...DEFAULT_SETTINGS,
      logPrivateWindows: true,
    });
  });

  it('normalises search rules and refuses malformed ones', () => {
    expect(parseStoredSettings({ searchRules: [{ host: ' *.Intranet.Example ', param: 'q' }] }).searchRules).toEqual([
      { host: '*.intranet.example', param: 'q' },
    ]);
    expect(parseStoredSettings({ searchRules: [{ host: 'a b', param: 'q' }] }).searchRules).toEqual([]);
  });
});

describe('endpoint URL', () => {
  it.each(['https://glean.example.com/rest/api/v1/activity', 'http://localhost:8787/rest/api/v1/activity', 'http://127.0.0.1:8787/x', 'http://[::1]:8787/x', ''])(
    'accepts %s',
    (endpointUrl) => {
      expect(parseStoredSettings({ endpointUrl }).endpointUrl).toBe(endpointUrl);
    },
  );

  // The problem is a code; the options page words it (tests/unit/ui/options-form.test.ts).
  it.each([
    ['ftp://x', 'scheme'],
    ['http://glean.example.com/rest', 'plainHttp'],
    ['glean.example.com', 'notUrl'],
  ])('refuses %s with the problem named', (endpointUrl, problem) => {
    expect(endpointProblem(endpointUrl)).toBe(problem);
    expect(parseStoredSettings({ endpointUrl }).endpointUrl).toBe('');
  });
});

describe('sync configured', () => {
  it('needs sync on and an endpoint', () => {
    expect(syncConfigured({ syncEnabled: true, endpointUrl: 'https://a.example/events' })).toBe(true);
    expect(syncConfigured({ syncEnabled: false, endpointUrl: 'https://a.example/events' })).toBe(false);
    expect(syncConfigured({ syncEnabled: true, endpointUrl: '' })).toBe(false);
    expect(syncConfigured(DEFAULT_SETTINGS)).toBe(false);
  });
});
