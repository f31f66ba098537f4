// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createSettingsReader, type SettingsReader } from '../../../src/settings/settings-reader';
import { POLICY_CACHE } from '../../../src/settings/stored-items';
import { mountOptions } from '../../../src/ui/options-view';
import { translatorFor } from './messages';

// The options page's form against fakeBrowser storage (docs/design.md §8); end to end in tests/e2e/options.test.ts.

const t = translatorFor('en');
const A = 'https://glean.a.example/rest/api/v1/activity';
const B = 'https://other.b.example/rest/api/v1/activity';
/** The page's body without its script (the test mounts the view itself). */
const page = readFileSync(resolve(process.cwd(), 'entrypoints/options/index.html'), 'utf8')
  .replace(/<script[^>]*><\/script>/g, '')
  .replace(/<link[^>]*>/g, '');

let requests: { url: string; authorization: string | null }[];
const recordingFetch: typeof fetch = async (input, init) => {
  requests.push({ url: String(input), authorization: new Headers(init?.headers).get('Authorization') });
  return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } });
};

function reader(managed: { get: (keys: null) => Promise<Record<string, unknown>> } = fakeBrowser.storage.managed): SettingsReader {
  return createSettingsReader({
    local: fakeBrowser.storage.local,
    managed,
    events: fakeBrowser.storage,
  });
}

function mount(settings: SettingsReader = reader()) {
  return mountOptions({
    document,
    local: fakeBrowser.storage.local,
    openLog: async () => ({ countByState: async () => ({ pending: 0, sent: 0, rejected: 0 }), droppedCount: async () => 0, close: () => undefined }),
    fetch: recordingFetch,
    requestHostPermission: async () => true,
    settings,
    t,
  });
}

const byId = <E extends HTMLElement>(id: string) => document.getElementById(id) as E;
function type(id: string, value: string): void {
  const field = byId<HTMLInputElement>(id);
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true }));
}
async function save(): Promise<string | undefined> {
  delete document.body.dataset.saved;
  byId<HTMLFormElement>('options').requestSubmit();
  for (let i = 0; i < 100 && !document.body.dataset.saved; i++) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 20));
  return document.body.dataset.saved;
}
async function testConnection(): Promise<void> {
  delete document.body.dataset.connection;
  byId<HTMLButtonElement>('test-connection').click();
  for (let i = 0; i < 100 && !document.body.dataset.connection; i++) await new Promise((r) => setTimeout(r, 5));
}
const hint = () => byId('apiToken-hint').textContent;

beforeEach(() => {
  fakeBrowser.reset();
  requests = [];
  document.body.innerHTML = page.slice(page.indexOf('<body>') + 6, page.indexOf('</body>'));
  delete document.body.dataset.loaded;
});

describe('the options page while it loads (the policy answers seconds late)', () => {
  it('says it is loading and can be neither edited nor saved until the form is filled', async () => {
    await fakeBrowser.storage.local.set({ settings: { keepSentDays: 7 } });
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const slow = { get: async () => (await answered, {}) };
    const loaded = mount(reader(slow));
    await new Promise((r) => setTimeout(r, 20));
    expect(byId('saved').textContent).toBe('Loading the settings…');
    expect(byId('options').getAttribute('aria-busy')).toBe('true');
    expect([...document.querySelectorAll('#options fieldset')].every((set) => (set as HTMLFieldSetElement).disabled)).toBe(true);
    expect(byId<HTMLButtonElement>('options').querySelector<HTMLButtonElement>('button[type="submit"]')!.disabled).toBe(true);
    byId<HTMLFormElement>('options').requestSubmit();
    await new Promise((r) => setTimeout(r, 20));
    expect(document.body.dataset.saved).toBeUndefined();
    expect(await fakeBrowser.storage.local.get('settings')).toEqual({ settings: { keepSentDays: 7 } });

    answer();
    await loaded;
    expect(byId<HTMLInputElement>('keepSentDays').value).toBe('7');
    expect(byId('options').hasAttribute('aria-busy')).toBe(false);
    expect([...document.querySelectorAll('#options fieldset')].some((set) => (set as HTMLFieldSetElement).disabled)).toBe(false);
    expect(byId('saved').textContent).toBe('');
  });

  it('never overwrites a field the user changed when the policy arrives later', async () => {
    await fakeBrowser.storage.local.set({ [POLICY_CACHE.key]: {}, settings: { keepSentDays: 7, syncIntervalMinutes: 5 } });
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const slow = { get: async () => (await answered, { denyList: ['*.bank.example'] }) };
    await mount(reader(slow));
    type('keepSentDays', '12');
    type('endpointUrl', A);
    answer();
    await new Promise((r) => setTimeout(r, 30));
    // The policy's field is shown locked; what the user typed stays.
    expect(byId<HTMLTextAreaElement>('denyList').value).toBe('*.bank.example');
    expect(byId<HTMLTextAreaElement>('denyList').readOnly).toBe(true);
    expect(byId<HTMLInputElement>('keepSentDays').value).toBe('12');
    expect(byId<HTMLInputElement>('endpointUrl').value).toBe(A);
    expect(await save()).toBe('ok');
    expect((await fakeBrowser.storage.local.get('settings')).settings).toMatchObject({ keepSentDays: 12, endpointUrl: A });
  });
});

describe('the token belongs to the origin it was saved for', () => {
  beforeEach(async () => {
    await fakeBrowser.storage.local.set({ settings: { endpointUrl: A }, apiToken: 'a-token', apiTokenOrigin: 'https://glean.a.example' });
  });

  it('"Test connection" sends the saved token to its own origin only, never to a typed URL elsewhere', async () => {
    await mount();
    await testConnection();
    expect(requests).toEqual([{ url: A, authorization: 'Bearer a-token' }]);
    type('endpointUrl', B);
    expect(hint()).toBe("The endpoint's origin changed: type the token for https://other.b.example. A saved token is sent only to the origin it was saved for.");
    await testConnection();
    expect(requests[1]).toEqual({ url: B, authorization: null });
    // A token typed for it goes with it.
    type('apiToken', 'b-token');
    await testConnection();
    expect(requests[2]).toEqual({ url: B, authorization: 'Bearer b-token' });
  });

  it('Save with a new origin and an empty token field removes the old token, and says a new one is needed', async () => {
    await mount();
    type('endpointUrl', B);
    expect(await save()).toBe('ok');
    const stored = await fakeBrowser.storage.local.get(['apiToken', 'apiTokenOrigin', 'settings']);
    expect(stored.apiToken).toBeUndefined();
    expect(stored.settings).toMatchObject({ endpointUrl: B });
    expect(hint()).toBe(
      'No token is saved for https://other.b.example: the token saved for https://glean.a.example is not sent to another origin and was removed. Type the token this endpoint needs.',
    );
    type('apiToken', 'b-token');
    expect(await save()).toBe('ok');
    expect(await fakeBrowser.storage.local.get(['apiToken', 'apiTokenOrigin'])).toEqual({ apiToken: 'b-token', apiTokenOrigin: 'https://other.b.example' });
    expect(hint()).toBe('A token is saved. Type a new one to replace it.');
  });

  it('keeps the token on a Save within the same origin', async () => {
    await mount();
    type('endpointUrl', 'https://glean.a.example/other/path');
    expect(await save()).toBe('ok');
    expect(await fakeBrowser.storage.local.get(['apiToken', 'apiTokenOrigin'])).toEqual({ apiToken: 'a-token', apiTokenOrigin: 'https://glean.a.example' });
  });

  it('says why a policy token without a policy endpoint is not used', async () => {
    await fakeBrowser.storage.managed.set({ apiToken: 'org-token' });
    await mount();
    expect(byId<HTMLInputElement>('apiToken').readOnly).toBe(false);
    expect(hint()).toContain("Your administrator set an API token but no endpoint, so that token is not used: a token set by policy is sent only to the policy's endpoint.");
    await testConnection();
    expect(requests).toEqual([{ url: A, authorization: 'Bearer a-token' }]);
  });
});
