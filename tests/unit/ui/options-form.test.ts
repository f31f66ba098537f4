import { describe, expect, it } from 'vitest';
import { validateOptions } from '../../../src/ui/options-form';

const valid = { endpointUrl: 'https://glean.example.com/rest/api/v1/activity', apiToken: '', syncEnabled: true };

describe('validateOptions', () => {
  it('accepts an https endpoint and keeps the saved token when the field is left empty', () => {
    expect(validateOptions(valid)).toEqual({
      ok: true,
      settings: { endpointUrl: valid.endpointUrl, syncEnabled: true },
      token: null,
    });
  });

  it('takes a new token, trimmed', () => {
    expect(validateOptions({ ...valid, apiToken: '  abc123 ' })).toMatchObject({ ok: true, token: 'abc123' });
  });

  it.each([
    ['ftp://x', /https/],
    ['http://glean.example.com/rest', /only allowed to localhost/],
    ['not a url', /full URL/],
  ])('refuses the endpoint %s with a message for that field', (endpointUrl, message) => {
    const result = validateOptions({ ...valid, endpointUrl });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.endpointUrl).toMatch(message);
  });

  it('accepts no endpoint at all (local log only)', () => {
    expect(validateOptions({ ...valid, endpointUrl: '  ' })).toMatchObject({ ok: true, settings: { endpointUrl: '' } });
  });

  it('refuses a token with spaces', () => {
    expect(validateOptions({ ...valid, apiToken: 'two words' })).toEqual({
      ok: false,
      errors: { apiToken: 'A token has no spaces or line breaks' },
    });
  });
});
