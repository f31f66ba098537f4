import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { originOf, readSavedToken, tokenForEndpoint } from '../../../src/settings/settings-store';

const A = 'https://glean.a.example/rest/api/v1/activity';
const B = 'https://evil.b.example/rest/api/v1/activity';
const NO_POLICY = { settings: {} };

beforeEach(() => fakeBrowser.reset());

describe('originOf', () => {
  it('is the endpoint\'s origin, or null for none', () => {
    expect(originOf(A)).toBe('https://glean.a.example');
    expect(originOf('http://127.0.0.1:8787/x')).toBe('http://127.0.0.1:8787');
    expect(originOf('')).toBeNull();
    expect(originOf('not a url')).toBeNull();
  });
});

describe('readSavedToken', () => {
  it('is the token with the origin it was saved for', async () => {
    await fakeBrowser.storage.local.set({ apiToken: 't', apiTokenOrigin: 'https://glean.a.example', settings: { endpointUrl: B } });
    expect(await readSavedToken(fakeBrowser.storage.local)).toEqual({ token: 't', origin: 'https://glean.a.example' });
  });

  it('gives a token saved before origins were kept to the endpoint saved with it', async () => {
    await fakeBrowser.storage.local.set({ apiToken: 't', settings: { endpointUrl: A } });
    expect(await readSavedToken(fakeBrowser.storage.local)).toEqual({ token: 't', origin: 'https://glean.a.example' });
  });

  it('is null without a token', async () => {
    expect(await readSavedToken(fakeBrowser.storage.local)).toBeNull();
  });
});

describe('tokenForEndpoint', () => {
  const saved = { token: 'users-token', origin: 'https://glean.a.example' };

  it('sends the user\'s token only to the origin it was saved for', () => {
    expect(tokenForEndpoint(A, saved, NO_POLICY)).toBe('users-token');
    expect(tokenForEndpoint('https://glean.a.example/other/path', saved, NO_POLICY)).toBe('users-token');
    expect(tokenForEndpoint(B, saved, NO_POLICY)).toBe('');
    expect(tokenForEndpoint('http://glean.a.example/rest/api/v1/activity', saved, NO_POLICY)).toBe('');
    expect(tokenForEndpoint('', saved, NO_POLICY)).toBe('');
    expect(tokenForEndpoint(A, { token: 'x', origin: null }, NO_POLICY)).toBe('');
  });

  it('sends a policy token only to the policy\'s endpoint', () => {
    const policy = { apiToken: 'org-token', settings: { endpointUrl: A } };
    expect(tokenForEndpoint(A, null, policy)).toBe('org-token');
    expect(tokenForEndpoint(B, null, policy)).toBe('');
    expect(tokenForEndpoint(B, { token: 'mine', origin: 'https://evil.b.example' }, policy)).toBe('mine');
  });
});
