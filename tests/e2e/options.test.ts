import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../../collector/start';
import { getExtensionStorage, launchExtensionBrowser, makeTempDir, removeDir, type ExtensionBrowser } from './harness';
import { OptionsPage } from './harness/options-page';

// The options page (docs/design.md §8, issue 5) in Chromium with the built extension.

let browser: ExtensionBrowser | undefined;
let collector: RunningCollector | undefined;
let collectorDir: string | undefined;

afterEach(async () => {
  await browser?.close();
  browser = undefined;
  await collector?.close();
  collector = undefined;
  if (collectorDir) await removeDir(collectorDir);
  collectorDir = undefined;
});

async function openOptions(): Promise<OptionsPage> {
  return OptionsPage.open(browser!.context, browser!.extensionId);
}

const storedSettings = async () => (await getExtensionStorage(browser!.worker, 'settings')).settings;

describe('the options page in Chromium', () => {
  it('refuses ftp://x and plain http to another host with a message next to the field, and saves nothing', async () => {
    browser = await launchExtensionBrowser();
    const options = await openOptions();
    const before = await storedSettings();

    await options.fill({ 'Endpoint URL': 'ftp://x' });
    expect(await options.save()).toBe('invalid');
    expect(await options.errorFor('Endpoint URL')).toBe('The endpoint must be an https:// URL, not ftp:');
    expect(await options.field('Endpoint URL').getAttribute('aria-invalid')).toBe('true');
    expect(await options.savedMessage()).toBe('Nothing was saved: correct the fields marked above.');

    await options.fill({ 'Endpoint URL': 'http://glean.example.com/rest/api/v1/activity', 'Keep sent events (days)': '0', 'Sync enabled': false });
    expect(await options.save()).toBe('invalid');
    expect(await options.errorFor('Endpoint URL')).toBe('Use https:// (plain http:// is only allowed to localhost, 127.0.0.1 or [::1])');
    expect(await options.errorFor('Keep sent events (days)')).toBe('Enter a whole number from 1 to 3650.');
    // Not even the valid field (Sync enabled) was saved.
    expect(await storedSettings()).toEqual(before);

    await options.fill({ 'Endpoint URL': 'http://127.0.0.1:8787/rest/api/v1/activity', 'Keep sent events (days)': '30' });
    expect(await options.save()).toBe('ok');
    expect(await options.errorFor('Endpoint URL')).toBe('');
    expect(await storedSettings()).toMatchObject({ endpointUrl: 'http://127.0.0.1:8787/rest/api/v1/activity', syncEnabled: false });
  });

  it('saves every field of docs/design.md §8, and they survive a browser restart', async () => {
    browser = await launchExtensionBrowser();
    const options = await openOptions();
    const values = {
      'Endpoint URL': 'http://localhost:9999/rest/api/v1/activity',
      'API token': 'secret-token',
      'Sync enabled': false,
      'Sync interval (minutes)': '15',
      'Idle threshold (seconds)': '120',
      'Allow list': 'wiki.example.com\n*.intranet.example',
      'Deny list': '*://mail.example.com/*',
      'Strip all query strings': true,
      'Log private windows': true,
      'Keep sent events (days)': '7',
      'Keep the daily summary (days)': '90',
    } as const;
    await options.fill(values);
    expect(await options.save()).toBe('ok');
    expect(await options.savedMessage()).toBe('Saved.');
    const expected = {
      endpointUrl: 'http://localhost:9999/rest/api/v1/activity',
      syncEnabled: false,
      syncIntervalMinutes: 15,
      idleThresholdSeconds: 120,
      allowList: ['wiki.example.com', '*.intranet.example'],
      denyList: ['*://mail.example.com/*'],
      stripAllQueryStrings: true,
      logPrivateWindows: true,
      keepSentDays: 7,
      keepSummaryDays: 90,
    };
    expect(await storedSettings()).toMatchObject(expected);
    expect(await getExtensionStorage(browser.worker, 'apiToken')).toEqual({ apiToken: 'secret-token' });

    await browser.restart();
    const reopened = await openOptions();
    // The token is never shown again; the page says one is saved.
    expect(await reopened.values()).toEqual({ ...values, 'API token': '' });
    expect(await reopened.page.locator('#apiToken-hint').innerText()).toBe('A token is saved. Type a new one to replace it.');
    expect(await storedSettings()).toMatchObject(expected);
  });

  it('"Test connection" sends an empty batch and says what the status code means', async () => {
    collectorDir = await makeTempDir('activity-logger-e2e-options');
    collector = await startCollector({ port: 0, dbFile: join(collectorDir, 'events.sqlite'), token: 'right-token' });
    browser = await launchExtensionBrowser();
    const options = await openOptions();

    await options.fill({ 'Endpoint URL': collector.activityUrl, 'API token': 'right-token' });
    expect(await options.testConnection()).toBe('HTTP 200: accepted. The endpoint and token work.');
    await options.fill({ 'API token': 'wrong-token' });
    expect(await options.testConnection()).toMatch(/^HTTP 401: the server refused the token\. Check the API token\./);
    await options.fill({ 'Endpoint URL': `${collector.url}/rest/api/v1/elsewhere`, 'API token': 'right-token' });
    expect(await options.testConnection()).toMatch(/^HTTP 404: no activity API at this address/);
    expect(collector.store.count()).toBe(0);
    // Testing saves nothing.
    expect(await storedSettings()).toBeUndefined();
  });

  it('asks for host access to a remote endpoint when saving, and saves without waiting for the answer', async () => {
    browser = await launchExtensionBrowser();
    const options = await openOptions();
    await options.fill({ 'Endpoint URL': 'https://glean.example.com/rest/api/v1/activity' });
    expect(await options.save()).toBe('ok');
    expect(await storedSettings()).toMatchObject({ endpointUrl: 'https://glean.example.com/rest/api/v1/activity' });
    // Headless Chromium shows the prompt where no automation can answer it (browser-testing.md):
    // that the question is pending proves it was asked, from the Save click.
    expect(await options.permissionMessage()).toBe('Asking the browser for access to https://glean.example.com…');

    // A loopback endpoint needs no access: nothing is asked.
    const again = await openOptions();
    await again.fill({ 'Endpoint URL': 'http://127.0.0.1:8787/rest/api/v1/activity' });
    expect(await again.save()).toBe('ok');
    expect(await again.permissionMessage()).toBe('');
  });

  it('in a fresh profile, takes the endpoint and token typed the moment the page opens, and saves them', async () => {
    browser = await launchExtensionBrowser();
    const options = await OptionsPage.openWithoutWaiting(browser.context, browser.extensionId);
    // Typing waits for the fields to be editable: the page cannot be edited while it loads.
    await options.fill({ 'Endpoint URL': 'http://127.0.0.1:8787/rest/api/v1/activity', 'API token': 'typed-at-once' });
    expect(await options.save()).toBe('ok');
    expect(await options.savedMessage()).toBe('Saved.');
    expect(await storedSettings()).toMatchObject({ endpointUrl: 'http://127.0.0.1:8787/rest/api/v1/activity' });
    expect(await getExtensionStorage(browser.worker, ['apiToken', 'apiTokenOrigin'])).toEqual({
      apiToken: 'typed-at-once',
      apiTokenOrigin: 'http://127.0.0.1:8787',
    });
    expect(await options.values()).toMatchObject({ 'Endpoint URL': 'http://127.0.0.1:8787/rest/api/v1/activity', 'API token': '' });
  });

  it('sends the saved token only to the origin it was saved for: not on "Test connection" to another, not after Save with another', async () => {
    collectorDir = await makeTempDir('activity-logger-e2e-options');
    collector = await startCollector({ port: 0, dbFile: join(collectorDir, 'a.sqlite'), token: 'a-token' });
    const other = await startCollector({ port: 0, dbFile: join(collectorDir, 'b.sqlite'), token: 'b-token' });
    try {
      browser = await launchExtensionBrowser();
      const options = await openOptions();
      await options.fill({ 'Endpoint URL': collector.activityUrl, 'API token': 'a-token' });
      expect(await options.save()).toBe('ok');
      expect(await options.testConnection()).toBe('HTTP 200: accepted. The endpoint and token work.');

      // Another origin (another port) typed in the form: the saved token does not go there.
      await options.fill({ 'Endpoint URL': other.activityUrl });
      expect(await options.tokenHint()).toMatch(/^The endpoint's origin changed: type the token for http:\/\/127\.0\.0\.1:\d+\./);
      expect(await options.testConnection()).toMatch(/^HTTP 401: .*missing token/);

      // Saved with the other origin and no new token: the old token is gone, the field says so.
      expect(await options.save()).toBe('ok');
      expect(await getExtensionStorage(browser.worker, 'apiToken')).toEqual({});
      expect(await options.tokenHint()).toMatch(/^No token is saved for http:\/\/127\.0\.0\.1:\d+: the token saved for http:\/\/127\.0\.0\.1:\d+ is not sent/);
      expect(await options.testConnection()).toMatch(/^HTTP 401: .*missing token/);
    } finally {
      await other.close();
    }
  });
});
