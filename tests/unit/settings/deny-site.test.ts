import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { denySite } from '../../../src/settings/deny-site';
import type { LockableField } from '../../../src/settings/managed-settings';

const NO_POLICY = { settings: {}, locked: new Set<LockableField>() };
const stored = async () => (await fakeBrowser.storage.local.get('settings')).settings as Record<string, unknown> | undefined;

beforeEach(() => fakeBrowser.reset());

describe('denySite', () => {
  it('adds the host to the user\'s deny list and keeps every other setting', async () => {
    await fakeBrowser.storage.local.set({ settings: { endpointUrl: 'https://glean.example/a', denyList: ['mail.example'] } });
    expect(await denySite(fakeBrowser.storage.local, NO_POLICY, 'news.example.org')).toBe('denied');
    expect(await stored()).toEqual({ endpointUrl: 'https://glean.example/a', denyList: ['mail.example', 'news.example.org'] });
  });

  it('works with no settings saved yet', async () => {
    expect(await denySite(fakeBrowser.storage.local, NO_POLICY, '127.0.0.2')).toBe('denied');
    expect(await stored()).toEqual({ denyList: ['127.0.0.2'] });
  });

  it('writes nothing for a site a pattern already denies', async () => {
    await fakeBrowser.storage.local.set({ settings: { denyList: ['*.example.com'] } });
    expect(await denySite(fakeBrowser.storage.local, NO_POLICY, 'wiki.example.com')).toBe('already');
    expect(await stored()).toEqual({ denyList: ['*.example.com'] });
  });

  it('leaves a deny list the administrator locked alone', async () => {
    const policy = { settings: { denyList: ['locked.example'] }, locked: new Set<LockableField>(['denyList']) };
    expect(await denySite(fakeBrowser.storage.local, policy, 'other.example')).toBe('locked');
    expect(await denySite(fakeBrowser.storage.local, policy, 'locked.example')).toBe('already');
    expect(await stored()).toBeUndefined();
  });

  it('refuses what is no host (a file: page has none)', async () => {
    expect(await denySite(fakeBrowser.storage.local, NO_POLICY, '')).toBe('invalid');
    expect(await denySite(fakeBrowser.storage.local, NO_POLICY, 'a b/c')).toBe('invalid');
    expect(await stored()).toBeUndefined();
  });
});
