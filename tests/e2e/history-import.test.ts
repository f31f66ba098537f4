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

// History import (docs/design.md §2, issue 8) in Chromium: pages in the browser's history become
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

  it('goes on where it left off when the worker is stopped mid-import, writing each visit once', async () => {
    browser = await launchExtensionBrowser();
    const profile = browser.profileDir;
    const id = browser.extensionId;
    await browser.restart({ whileClosed: () => grantOptionalPermissions(profile, id, ['history']) });
    const options = await OptionsPage.open(browser.context, browser.extensionId);
    const page = options.page;
    // Granted already (the profile says so): the request answers at once and binds the API.
    const granted = await page.evaluate(() =>
      (globalThis as unknown as { chrome: { permissions: { request(p: object): Promise<boolean> } } }).chrome.permissions.request({
        permissions: ['history'],
      }),
    );
    expect(granted).toBe(true);
    // Enough visits for the import to take a few batches of 500.
    const VISITS = 4_000;
    await page.evaluate(async (count) => {
      const api = (globalThis as unknown as { chrome: { history: { addUrl(details: object): Promise<void> } } }).chrome;
      await Promise.all(Array.from({ length: count }, (_, i) => api.history.addUrl({ url: `https://intranet.example.com/doc/${i}` })));
    }, VISITS);
    const job = () =>
      page.evaluate(async () => {
        const api = (globalThis as unknown as { chrome: { storage: { local: { get(key: string): Promise<Record<string, unknown>> } } } }).chrome;
        return (await api.storage.local.get('historyImport')).historyImport as
          | { state: string; doneVisits: number; totalVisits: number; written: number }
          | undefined;
      });

    await page.getByRole('button', { name: 'Import history' }).click();
    // Stopped once some batches are in and some are not.
    const atStop = await eventually(
      async () => {
        const now = await job();
        expect(now?.state).toBe('running');
        expect(now!.doneVisits).toBeGreaterThan(0);
        return now!;
      },
      { timeout: 20_000, interval: 10 },
    );
    await browser.stopServiceWorker();
    expect(atStop.doneVisits).toBeLessThan(atStop.totalVisits);
    // Still unfinished with no worker running: only a resume can finish it.
    const stopped = await job();
    expect(stopped).toMatchObject({ state: 'running' });
    expect(stopped!.doneVisits).toBeLessThan(stopped!.totalVisits);

    // The next event starts a new worker, which finds the import running and goes on.
    await browser.visit(server.pageUrl('wakes-the-worker'));
    const finished = await eventually(
      async () => {
        const now = await job();
        expect(now?.state).toBe('done');
        return now!;
      },
      { timeout: 60_000, interval: 200 },
    );
    // 4,000 records cross from the worker in one answer: seconds on a loaded machine.
    const imported = (await readLog(browser.worker, { timeout: 30_000 })).filter((entry) => entry.event.action === 'HISTORICAL_VIEW');
    const docs = imported.filter((entry) => entry.event.url.startsWith('https://intranet.example.com/doc/'));
    expect(docs).toHaveLength(VISITS);
    expect(new Set(imported.map((entry) => entry.event.id)).size).toBe(imported.length);
    expect(finished.doneVisits).toBe(finished.totalVisits);
  });
});
