import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createSettingsReader, type SettingsReaderDeps } from '../../../src/settings/settings-reader';
import { POLICY_CACHE } from '../../../src/settings/stored-items';

const ENDPOINT = 'https://glean.corp.example/rest/api/v1/activity';

/** `storage.managed` as Chromium gives it after a browser start: the read answers when told to. */
function slowManaged(policy: Record<string, unknown>) {
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  let reads = 0;
  return {
    area: {
      get: async () => {
        reads++;
        await answered;
        return policy;
      },
    },
    answer: () => answer(),
    reads: () => reads,
  };
}

function reader(overrides: Partial<SettingsReaderDeps> = {}) {
  return createSettingsReader({
    local: fakeBrowser.storage.local,
    managed: fakeBrowser.storage.managed,
    events: fakeBrowser.storage,
    ...overrides,
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

beforeEach(() => fakeBrowser.reset());

describe('the settings reader', () => {
  it('reads the policy once, however often the settings and the token are read', async () => {
    await fakeBrowser.storage.managed.set({ syncEnabled: false });
    let reads = 0;
    const counted = { get: async (keys: null) => (reads++, fakeBrowser.storage.managed.get(keys)) };
    const settings = reader({ managed: counted as never });
    for (let i = 0; i < 5; i++) {
      expect((await settings.settings()).syncEnabled).toBe(false);
      await settings.sync();
      await settings.tokenFor(ENDPOINT);
    }
    expect(reads).toBe(1);
  });

  it('answers at once with the policy last seen while storage.managed is slow, then takes the new one', async () => {
    await fakeBrowser.storage.local.set({ [POLICY_CACHE.key]: { keepSentDays: 9 }, settings: { keepSentDays: 3 } });
    const managed = slowManaged({ keepSentDays: 12 });
    const settings = reader({ managed: managed.area });
    const changes: number[] = [];
    settings.onChange(() => changes.push(settings.generation()));
    // Not waiting for the slow read: the cached policy is in force.
    expect((await settings.settings()).keepSentDays).toBe(9);
    managed.answer();
    await settle();
    expect((await settings.settings()).keepSentDays).toBe(12);
    expect(changes).toEqual([1]);
    expect((await fakeBrowser.storage.local.get(POLICY_CACHE.key))[POLICY_CACHE.key]).toEqual({ keepSentDays: 12 });
    expect(managed.reads()).toBe(1);
  });

  it('waits for the policy where none was ever seen (the first start), so no read ignores it', async () => {
    await fakeBrowser.storage.local.set({ settings: { endpointUrl: 'https://mine.example/a' } });
    const managed = slowManaged({ endpointUrl: ENDPOINT });
    const settings = reader({ managed: managed.area });
    let endpoint: string | undefined;
    void settings.settings().then((s) => (endpoint = s.endpointUrl));
    await settle();
    expect(endpoint).toBeUndefined();
    managed.answer();
    await settle();
    expect(endpoint).toBe(ENDPOINT);
  });

  it('answers settingsNow at once at the very first start, without the policy, and tells when it comes', async () => {
    const managed = slowManaged({ keepSentDays: 12 });
    const settings = reader({ managed: managed.area });
    const changes: number[] = [];
    settings.onChange(() => changes.push(settings.generation()));
    expect((await settings.settingsNow()).keepSentDays).toBe(30); // the default: no policy known yet
    managed.answer();
    await settle();
    expect(changes).toEqual([1]);
    expect((await settings.settingsNow()).keepSentDays).toBe(12);
  });

  it('reads the policy again when it changes, and counts every change of the settings in force', async () => {
    const settings = reader();
    expect((await settings.settings()).syncEnabled).toBe(true);
    const before = settings.generation();
    await fakeBrowser.storage.managed.set({ syncEnabled: false });
    await fakeBrowser.storage.onChanged.trigger({ syncEnabled: { newValue: false } }, 'managed');
    await settle();
    expect((await settings.settings()).syncEnabled).toBe(false);
    expect(settings.generation()).toBeGreaterThan(before);
    const afterPolicy = settings.generation();
    await fakeBrowser.storage.local.set({ apiToken: 'new' });
    expect(settings.generation()).toBeGreaterThan(afterPolicy);
    // Unrelated keys are not a settings change.
    const afterToken = settings.generation();
    await fakeBrowser.storage.local.set({ syncStatus: { state: 'idle' } });
    expect(settings.generation()).toBe(afterToken);
  });

  it('tells of a policy change at once, and every read after it has the new policy', async () => {
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    let reads = 0;
    // The first read answers at once; the read after the change only when told to.
    const managed = { get: async () => (reads++ === 0 ? { keepSentDays: 9 } : (await answered, { keepSentDays: 12 })) };
    const settings = reader({ managed });
    expect((await settings.settings()).keepSentDays).toBe(9);
    await settle();
    const before = settings.generation();
    const changes: number[] = [];
    settings.onChange(() => changes.push(settings.generation()));
    await fakeBrowser.storage.onChanged.trigger({ keepSentDays: { newValue: 12 } }, 'managed');
    expect(changes).toEqual([before + 1]); // told before the new policy is read
    let read: number | undefined;
    void settings.settings().then((s) => (read = s.keepSentDays));
    await settle();
    expect(read).toBeUndefined(); // not answered with the old policy: it waits for the new one
    answer();
    await settle();
    expect(read).toBe(12);
    expect(changes).toEqual([before + 1]); // told once
  });

  it('gives sync the token of the endpoint in force only', async () => {
    await fakeBrowser.storage.local.set({ settings: { endpointUrl: 'https://mine.example/a' }, apiToken: 'mine', apiTokenOrigin: 'https://old.example' });
    expect((await reader().sync()).token).toBe('');
    await fakeBrowser.storage.local.set({ apiTokenOrigin: 'https://mine.example' });
    expect((await reader().sync()).token).toBe('mine');
    // A policy token without an endpoint of its own is not sent to the user's endpoint.
    await fakeBrowser.storage.managed.set({ apiToken: 'org-token' });
    expect((await reader().sync()).token).toBe('mine');
    await fakeBrowser.storage.managed.set({ apiToken: 'org-token', endpointUrl: ENDPOINT });
    expect(await reader().sync()).toMatchObject({ token: 'org-token', settings: { endpointUrl: ENDPOINT } });
  });
});
