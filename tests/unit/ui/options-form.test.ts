import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SettingsSchema } from '../../../src/settings/settings';
import {
  isHostPattern,
  needsHostPermission,
  originPattern,
  toOptionsInput,
  validateOptions,
  type OptionsInput,
} from '../../../src/ui/options-form';
import { en, translatorFor } from './messages';

const valid: OptionsInput = {
  endpointUrl: 'https://glean.example.com/rest/api/v1/activity',
  apiToken: '',
  syncEnabled: true,
  syncIntervalMinutes: '5',
  idleThresholdSeconds: '60',
  allowList: '',
  denyList: '',
  stripAllQueryStrings: false,
  keepTrackingParams: false,
  countAudibleTime: true,
  logPrivateWindows: false,
  keepSentDays: '30',
  keepSummaryDays: '400',
};

const errorsOf = (input: Partial<OptionsInput>) => {
  const result = validateOptions({ ...valid, ...input }, en);
  return result.ok ? {} : result.errors;
};

describe('validateOptions', () => {
  it('turns every field into settings the schema accepts, keeping the saved token when the field is empty', () => {
    const result = validateOptions(
      { ...valid, allowList: ' Wiki.Example.com \n\n*.intranet.example\n', denyList: '*://mail.example.com/*', syncIntervalMinutes: ' 15 ', stripAllQueryStrings: true, keepTrackingParams: true, countAudibleTime: false },
      en,
    );
    expect(result).toEqual({
      ok: true,
      settings: {
        endpointUrl: valid.endpointUrl,
        syncEnabled: true,
        syncIntervalMinutes: 15,
        idleThresholdSeconds: 60,
        allowList: ['wiki.example.com', '*.intranet.example'],
        denyList: ['*://mail.example.com/*'],
        stripAllQueryStrings: true,
        keepTrackingParams: true,
        countAudibleTime: false,
        logPrivateWindows: false,
        keepSentDays: 30,
        keepSummaryDays: 400,
      },
      token: null,
    });
    expect(SettingsSchema.safeParse(result.ok && result.settings).success).toBe(true);
  });

  it('takes a new token, trimmed', () => {
    expect(validateOptions({ ...valid, apiToken: '  abc123 ' }, en)).toMatchObject({ ok: true, token: 'abc123' });
  });

  it.each([
    ['ftp://x', 'The endpoint must be an https:// URL, not ftp:'],
    ['http://glean.example.com/rest', 'Use https:// (plain http:// is only allowed to localhost, 127.0.0.1 or [::1])'],
    ['not a url', 'Enter a full URL, such as https://glean.example.com/rest/api/v1/activity'],
  ])('refuses the endpoint %s with a message for that field', (endpointUrl, message) => {
    expect(errorsOf({ endpointUrl })).toEqual({ endpointUrl: message });
  });

  it('accepts plain http to this machine, and no endpoint at all (local log only)', () => {
    expect(errorsOf({ endpointUrl: 'http://127.0.0.1:8787/rest/api/v1/activity' })).toEqual({});
    expect(errorsOf({ endpointUrl: 'http://localhost/x' })).toEqual({});
    expect(validateOptions({ ...valid, endpointUrl: '  ' }, en)).toMatchObject({ ok: true, settings: { endpointUrl: '' } });
  });

  it('refuses a token with spaces', () => {
    expect(errorsOf({ apiToken: 'two words' })).toEqual({ apiToken: 'A token has no spaces or line breaks' });
  });

  it.each([
    ['syncIntervalMinutes', '0', 'Enter a whole number from 1 to 1440.'],
    ['syncIntervalMinutes', '2.5', 'Enter a whole number from 1 to 1440.'],
    ['idleThresholdSeconds', '10', 'Enter a whole number from 15 to 3600.'],
    ['keepSentDays', '', 'Enter a whole number from 1 to 3650.'],
    ['keepSentDays', 'ten', 'Enter a whole number from 1 to 3650.'],
    ['keepSummaryDays', '0', 'Enter a whole number from 1 to 3650.'],
  ] as const)('refuses %s = "%s" with the allowed range', (field, value, message) => {
    expect(errorsOf({ [field]: value })).toEqual({ [field]: message });
  });

  it('names the line of a list that is not a site pattern', () => {
    expect(errorsOf({ denyList: 'example.com\nhttp://no path\n' })).toEqual({
      denyList: '“http://no path” is not a site pattern. Use example.com, *.example.com or *://intranet/*.',
    });
  });

  it('reports every bad field at once, and saves nothing', () => {
    const result = validateOptions({ ...valid, endpointUrl: 'ftp://x', keepSentDays: '0', allowList: 'a b' }, en);
    expect(result.ok).toBe(false);
    expect(Object.keys(!result.ok ? result.errors : {}).sort()).toEqual(['allowList', 'endpointUrl', 'keepSentDays']);
    expect(result).not.toHaveProperty('settings');
  });

  it('speaks the reader\'s language', () => {
    const result = validateOptions({ ...valid, endpointUrl: 'ftp://x' }, translatorFor('de'));
    expect(!result.ok && result.errors.endpointUrl).toBe('Der Endpunkt muss eine https://-URL sein, nicht ftp:');
  });
});

describe('host patterns', () => {
  it.each(['example.com', '*.example.com', 'intranet', 'intranet:8080', '*://intranet/*', 'https://*.example.com/*'])(
    'accepts %s',
    (pattern) => expect(isHostPattern(pattern)).toBe(true),
  );
  it.each(['a b', '*example.com', 'ftp://x/*', ''])('refuses %s', (pattern) => {
    expect(isHostPattern(pattern)).toBe(false);
  });
});

describe('host permission for the endpoint', () => {
  it('is asked for a remote endpoint only, for its whole origin', () => {
    expect(needsHostPermission('https://glean.example.com/rest/api/v1/activity')).toBe(true);
    expect(needsHostPermission('http://127.0.0.1:8787/rest/api/v1/activity')).toBe(false);
    expect(needsHostPermission('http://[::1]:8787/x')).toBe(false);
    expect(needsHostPermission('')).toBe(false);
    expect(originPattern('https://glean.example.com:8443/rest/api/v1/activity')).toBe('https://glean.example.com/*');
  });
});

describe('toOptionsInput', () => {
  it('is what validateOptions turns back into the same settings', () => {
    const settings = { ...DEFAULT_SETTINGS, allowList: ['a.example', '*.b.example'], keepSentDays: 7 };
    const result = validateOptions({ ...toOptionsInput(settings), apiToken: '' }, en);
    expect(result.ok && result.settings).toMatchObject({ allowList: ['a.example', '*.b.example'], keepSentDays: 7 });
  });
});
