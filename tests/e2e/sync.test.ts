import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Worker } from 'playwright-core';
import type { BackgroundStatus } from '../../entrypoints/background';
import { startCollector, type RunningCollector } from '../../collector/start';
import {
  captureSettled,
  eventually,
  launchExtensionBrowser,
  makeTempDir,
  readLog,
  removeDir,
  setExtensionStorage,
  startTestPageServer,
  type ExtensionBrowser,
  type TestPageServer,
} from './harness';
import { join } from 'node:path';

// design.md §5 end to end: the real extension in Chromium sends to the real collector over
// real HTTP (a CORS request from the extension's origin) into a real SQLite file.

const TOKEN = 'e2e-token';

let pages: TestPageServer;
let dataDir: string;
let collector: RunningCollector;
let browser: ExtensionBrowser | undefined;

function configureSync(worker: Worker, endpointUrl: string): Promise<void> {
  return setExtensionStorage(worker, { settings: { endpointUrl }, apiToken: TOKEN });
}

async function visitPages(count: number, prefix: string): Promise<void> {
  for (let i = 0; i < count; i++) await browser!.visit(pages.pageUrl(`${prefix}-${i}`));
  await captureSettled(browser!.worker);
}

/** The ids at the collector, each as often as it was stored. */
function idsAtCollector(): string[] {
  return collector.store.all().map((stored) => stored.event.id!);
}

/** Waits until every event the extension recorded is at the collector, once, and none is pending. */
async function expectAllDeliveredOnce(): Promise<void> {
  await eventually(
    async () => {
      const log = await readLog(browser!.worker);
      const recorded = log.map((entry) => entry.event.id).sort();
      expect(log.filter((entry) => entry.state !== 'sent')).toEqual([]);
      expect(idsAtCollector().sort()).toEqual(recorded);
    },
    { timeout: 20_000, interval: 250 },
  );
}

function syncNowInWorker(worker: Worker): Promise<string> {
  return worker.evaluate(async () => {
    const status = (globalThis as { activityLogger?: BackgroundStatus }).activityLogger;
    return (await status!.sync!.syncNow({ force: true })).outcome;
  });
}

beforeAll(async () => {
  pages = await startTestPageServer();
});
afterAll(async () => {
  await pages.close();
});

beforeEach(async () => {
  dataDir = await makeTempDir('activity-logger-e2e-collector');
  collector = await startCollector({ port: 0, dbFile: join(dataDir, 'events.sqlite'), token: TOKEN });
  browser = await launchExtensionBrowser();
  await configureSync(browser.worker, collector.activityUrl);
});

afterEach(async () => {
  await browser?.close();
  browser = undefined;
  await collector.close();
  await removeDir(dataDir);
});

describe('sync to the collector, end to end', () => {
  it('delivers 30 visited pages once each ("Sync now" from the popup)', async () => {
    await visitPages(30, 'page');
    const popup = await browser!.openPopup();
    expect(await popup.syncNow()).toBe('done');
    await expectAllDeliveredOnce();
    // 30 views: 30 starts and 29 completions (the last page is still in front).
    expect(idsAtCollector()).toHaveLength(59);
    const stored = collector.store.all().map((s) => s.event);
    expect(new Set(stored.map((e) => e.url))).toEqual(new Set(Array.from({ length: 30 }, (_, i) => pages.pageUrl(`page-${i}`))));
  });

  it('keeps events while the collector is down and delivers them once it is back', async () => {
    const { port } = collector;
    await collector.close();
    await visitPages(5, 'offline');
    expect(await syncNowInWorker(browser!.worker)).toBe('failed');
    const log = await readLog(browser!.worker);
    expect(log.length).toBeGreaterThan(0);
    expect(log.every((entry) => entry.state === 'pending')).toBe(true);

    collector = await startCollector({ port, dbFile: join(dataDir, 'events.sqlite'), token: TOKEN });
    await visitPages(2, 'online');
    expect(await syncNowInWorker(browser!.worker)).toBe('done');
    await expectAllDeliveredOnce();
  });

  it('delivers once when the worker is stopped while a sync request is in flight', async () => {
    await visitPages(6, 'inflight');
    let received!: () => void;
    const requestArrived = new Promise<void>((resolve) => (received = resolve));
    // The first request is stored, but its answer is held until the worker is gone: the
    // extension cannot know whether the server committed it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    collector.setInterceptor(async ({ sequence }) => {
      if (sequence > 1) return undefined;
      received();
      await held;
      return { destroy: true, store: true };
    });
    void syncNowInWorker(browser!.worker).catch(() => undefined);
    await requestArrived;
    await browser!.stopServiceWorker();
    release();
    await eventually(() => expect(idsAtCollector().length).toBeGreaterThan(0));

    const popup = await browser!.openPopup(); // wakes the worker again
    expect(await popup.syncNow()).toBe('done');
    await expectAllDeliveredOnce();
  });

  it('delivers pending events once after a browser restart (sync on browser start)', async () => {
    await visitPages(4, 'before-restart');
    const pendingBefore = (await readLog(browser!.worker)).filter((e) => e.state === 'pending');
    expect(pendingBefore.length).toBeGreaterThan(0);
    expect(idsAtCollector()).toEqual([]);
    await browser!.restart();
    // No "Sync now": runtime.onStartup triggers the sync by itself.
    await eventually(() => expect(idsAtCollector().length).toBeGreaterThanOrEqual(pendingBefore.length), {
      timeout: 20_000,
      interval: 250,
    });
    expect(await syncNowInWorker(browser!.worker)).toBe('done');
    await expectAllDeliveredOnce();
  });
});
