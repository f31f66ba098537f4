import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../../collector/start';
import type { BackgroundStatus } from '../../entrypoints/background';
import {
  eventually,
  grantOptionalPermissions,
  launchExtensionBrowser,
  makeTempDir,
  readLog,
  removeDir,
  setExtensionStorage,
  startTestPageServer,
  type ExtensionBrowser,
  type TestPageServer,
} from './harness';
import { OptionsPage } from './harness/options-page';

// History import (design.md §2, issue 8) in Chromium: pages in the browser's history become
// HISTORICAL_VIEW events through the options page's "Import history", reach the real
// collector once, and importing again records nothing twice.

const TOKEN = 'history-token';
let server: TestPageServer;
let dataDir: string;
let collector: RunningCollector;
let browser: ExtensionBrowser | undefined;

beforeAll(async () => {
  server = await startTestPageServer();
  dataDir = await makeTempDir('activity-logger-e2e-history');
  collector = await startCollector({ port: 0, dbFile: join(dataDir, 'events.sqlite'), token: TOKEN });
});
afterEach(async () => {
  await browser?.close();
  browser = undefined;
});
afterAll(async () => {
  await collector.close();
  await server.close();
  await removeDir(dataDir);
});

async function importHistory(options: OptionsPage): Promise<string> {
  const status = options.page.locator('#importStatus');
  const before = await status.innerText();
  await options.page.getByRole('button', { name: 'Import history' }).click();
  return eventually(
    async () => {
      const now = await status.innerText();
      expect(now).not.toBe(before);
      expect(now).toMatch(/^Imported /);
      return now;
    },
    { timeout: 20_000, interval: 100 },
  );
}

function syncNow(browser: ExtensionBrowser): Promise<string> {
  return browser.worker.evaluate(async () => {
    const status = (globalThis as { activityLogger?: BackgroundStatus }).activityLogger;
    return (await status!.sync!.syncNow({ force: true })).outcome;
  });
}

const historicalAtCollector = () =>
  collector.store.all().filter((stored) => stored.event.action === 'HISTORICAL_VIEW');

describe('history import in Chromium', () => {
  it('imports visited pages as HISTORICAL_VIEW once, at the collector too, and again imports nothing', async () => {
    browser = await launchExtensionBrowser();
    const pages = ['history-a', 'history-b', 'history-c'].map((name) => server.pageUrl(name));
    for (const url of pages) await browser.visit(url);
    const profile = browser.profileDir;
    const id = browser.extensionId;
    // Accepting the optional `history` permission is a native dialog headless; grant it the
    // way Chromium stores a user's "Allow", then the request from the click resolves at once.
    await browser.restart({ whileClosed: () => grantOptionalPermissions(profile, id, ['history']) });
    await setExtensionStorage(browser.worker, { settings: { endpointUrl: collector.activityUrl }, apiToken: TOKEN });

    const options = await OptionsPage.open(browser.context, browser.extensionId);
    expect(await importHistory(options)).toMatch(/^Imported \d+ of \d+ visits: [1-9]\d* new events\.$/);
    const imported = (await readLog(browser.worker)).filter((entry) => entry.event.action === 'HISTORICAL_VIEW');
    expect(new Set(imported.map((entry) => entry.event.url))).toEqual(new Set(pages));
    expect(new Set(imported.map((entry) => entry.event.id)).size).toBe(imported.length);

    expect(await syncNow(browser)).toBe('done');
    expect(historicalAtCollector().map((stored) => stored.event.id).sort()).toEqual(imported.map((entry) => entry.event.id).sort());

    // Again: the same visits have the same ids, so nothing is written, here or there.
    expect(await importHistory(options)).toMatch(/: 0 new events\.$/);
    expect((await readLog(browser.worker)).filter((entry) => entry.event.action === 'HISTORICAL_VIEW')).toHaveLength(imported.length);
    expect(await syncNow(browser)).toBe('done');
    expect(historicalAtCollector()).toHaveLength(imported.length);
  });
});
