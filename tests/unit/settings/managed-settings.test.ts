import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { readManagedPolicy, type LockableField } from '../../../src/settings/managed-settings';
import { DEFAULT_SETTINGS, SettingsSchema } from '../../../src/settings/settings';
import { readSettings } from '../../../src/settings/settings-store';

const schema = JSON.parse(readFileSync(new URL('../../../public/managed_schema.json', import.meta.url), 'utf8')) as {
  type: string;
  properties: Record<string, { type: string }>;
};

/** Every setting can be locked, and the API token too (`LockableField`). */
const LOCKABLE_FIELDS: readonly LockableField[] = [
  ...(Object.keys(SettingsSchema.shape).filter((key) => key !== 'version') as Exclude<LockableField, 'apiToken'>[]),
  'apiToken',
];

beforeEach(() => fakeBrowser.reset());

describe('managed_schema.json', () => {
  it('describes exactly the lockable fields', () => {
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties).sort()).toEqual([...LOCKABLE_FIELDS].sort());
  });

  it('gives each field the type of its default value', () => {
    const typeOf = (value: unknown) =>
      Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
    for (const field of LOCKABLE_FIELDS) {
      const value = field === 'apiToken' ? '' : DEFAULT_SETTINGS[field];
      expect(schema.properties[field]!.type, field).toBe(typeOf(value));
    }
  });
});

describe('readManagedPolicy', () => {
  it('is no policy when the area is missing, empty, or throws (Firefox without policies.json)', async () => {
    const throwing = { get: () => Promise.reject(new Error('Managed storage manifest not found')) };
    for (const area of [undefined, fakeBrowser.storage.managed, throwing]) {
      const policy = await readManagedPolicy(area);
      expect(policy.settings).toEqual({});
      expect([...policy.locked]).toEqual([]);
    }
  });

  it('takes valid values, locks them, and ignores unknown keys and invalid values', async () => {
    await fakeBrowser.storage.managed.set({
      endpointUrl: 'https://glean.corp.example/rest/api/v1/activity',
      denyList: ['*.bank.example'],
      syncIntervalMinutes: 0,
      version: 7,
      somethingElse: true,
      apiToken: ' t0ken ',
    });
    const policy = await readManagedPolicy(fakeBrowser.storage.managed);
    expect(policy.settings).toEqual({ endpointUrl: 'https://glean.corp.example/rest/api/v1/activity', denyList: ['*.bank.example'] });
    expect(policy.apiToken).toBe('t0ken');
    expect([...policy.locked].sort()).toEqual(['apiToken', 'denyList', 'endpointUrl']);
    expect(policy.ignored.sort()).toEqual(['somethingElse', 'syncIntervalMinutes', 'version']);
  });

  it('refuses a plain-http endpoint to another machine, as the options page would', async () => {
    await fakeBrowser.storage.managed.set({ endpointUrl: 'http://glean.corp.example/' });
    expect((await readManagedPolicy(fakeBrowser.storage.managed)).locked.has('endpointUrl')).toBe(false);
  });
});

describe('readSettings with a policy', () => {
  it('puts the locked values over the user settings and keeps the rest', async () => {
    await fakeBrowser.storage.local.set({ settings: { denyList: ['mine.example'], stripAllQueryStrings: true, keepSentDays: 7 } });
    await fakeBrowser.storage.managed.set({ denyList: ['*.bank.example'], logPrivateWindows: false });
    const settings = await readSettings(fakeBrowser.storage.local, fakeBrowser.storage.managed);
    expect(SettingsSchema.parse(settings)).toEqual(settings);
    expect(settings).toMatchObject({ denyList: ['*.bank.example'], stripAllQueryStrings: true, keepSentDays: 7, logPrivateWindows: false });
  });

  it('is the user\'s own without a policy', async () => {
    await fakeBrowser.storage.local.set({ settings: { keepSentDays: 9 } });
    expect((await readSettings(fakeBrowser.storage.local, undefined)).keepSentDays).toBe(9);
  });
});

describe('a policy token', () => {
  it('is locked and used with the policy\'s endpoint', async () => {
    await fakeBrowser.storage.managed.set({ endpointUrl: 'https://glean.corp.example/rest/api/v1/activity', apiToken: 'org-token' });
    const policy = await readManagedPolicy(fakeBrowser.storage.managed);
    expect(policy).toMatchObject({ apiToken: 'org-token' });
    expect(policy.locked.has('apiToken')).toBe(true);
    expect(policy.tokenWithoutEndpoint).toBeUndefined();
  });

  it('without an endpoint in the policy is ignored, and not locked: it would go wherever the user points sync', async () => {
    await fakeBrowser.storage.managed.set({ denyList: ['*.bank.example'], apiToken: 'org-token' });
    const policy = await readManagedPolicy(fakeBrowser.storage.managed);
    expect(policy.apiToken).toBeUndefined();
    expect(policy.tokenWithoutEndpoint).toBe(true);
    expect([...policy.locked]).toEqual(['denyList']);
  });
});

describe('the locked fields (what the options page shows read-only)', () => {
  it('names the fields the policy sets', async () => {
    await fakeBrowser.storage.managed.set({ endpointUrl: 'https://glean.corp.example/', allowList: ['*.corp.example'] });
    expect([...(await readManagedPolicy(fakeBrowser.storage.managed)).locked].sort()).toEqual(['allowList', 'endpointUrl']);
  });

  it('is empty without a managed area', async () => {
    expect((await readManagedPolicy(undefined)).locked.size).toBe(0);
  });
});
