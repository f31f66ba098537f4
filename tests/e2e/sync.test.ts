import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { EventStore } from '../../collector/event-store';
import { startCollector, type RunningCollector } from '../../collector/start';
import { SYNC_STATUS } from '../../src/settings/stored-items';
import { startTestPostgres } from '../unit/collector/postgres-server';
import {
  E2E_BROWSERS,
  eventually,
  launchE2eBrowser,
  makeTempDir,
  removeDir,
  startTestPageServer,
  type E2eBrowser,
  type TestPageServer,
} from './harness';

// docs/design.md §5 end to end: the real extension in each browser sends to the real collector over
// real HTTP (a CORS request from the extension's origin, chrome-extension:// or
// moz-extension://) into a real SQLite file (and one journey into a real PostgreSQL). The same
// definitions run in Chromium and Firefox.

const TOKEN = 'e2e-token';

let pages: TestPageServer;

beforeAll(async () => {
  pages = await startTestPageServer();
});
afterAll(async () => {
  await pages.close();
});

describe.each(E2E_BROWSERS)('sync to the collector, end to end, in %s', (browserName) => {
  let dataDir: string;
  let collector: RunningCollector<EventStore>;
  let browser: E2eBrowser | undefined;

  async function visitPages(count: number, prefix: string): Promise<void> {
    for (let i = 0; i < count; i++) await browser!.visit(pages.pageUrl(`${prefix}-${i}`));
    await browser!.settleCapture();
  }

  /** The ids at the collector, each as often as it was stored. */
  async function idsAtCollector(): Promise<string[]> {
    return (await collector.store.listEvents()).map((stored) => stored.event.id!);
  }

  /** Waits until every event the extension recorded is at the collector, once, and none is pending. */
  async function expectAllDeliveredOnce(): Promise<void> {
    await eventually(
      async () => {
        const log = await browser!.readLog();
        const recorded = log.map((entry) => entry.event.id).sort();
        expect(log.filter((entry) => entry.state !== 'sent')).toEqual([]);
        expect((await idsAtCollector()).sort()).toEqual(recorded);
      },
      { timeout: 20_000, interval: 250 },
    );
  }

  beforeEach(async () => {
    dataDir = await makeTempDir('activity-logger-e2e-collector');
    collector = await startCollector({ port: 0, dbFile: join(dataDir, 'events.sqlite'), token: TOKEN });
    browser = await launchE2eBrowser(browserName);
  });

  /** Sync settings written straight to storage.local, as the options page saves them. */
  function configureSync(): Promise<void> {
    return browser!.setStorage({ settings: { endpointUrl: collector.activityUrl }, apiToken: TOKEN });
  }

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    await collector.close();
    await removeDir(dataDir);
  });

  it('delivers 30 visited pages once each ("Sync now" from the popup)', async () => {
    await configureSync();
    await visitPages(30, 'page');
    const popup = await browser!.openPopup();
    expect(await popup.syncNow()).toBe('done');
    await expectAllDeliveredOnce();
    // 30 views: 30 starts and 29 completions (the last page is still in front).
    expect(await idsAtCollector()).toHaveLength(59);
    const stored = (await collector.store.listEvents()).map((s) => s.event);
    expect(new Set(stored.map((e) => e.url))).toEqual(
      new Set(Array.from({ length: 30 }, (_, i) => pages.pageUrl(`page-${i}`))),
    );
  });

  it('keeps events while the collector is down and delivers them once it is back', async () => {
    await configureSync();
    const { port } = collector;
    await collector.close();
    await visitPages(5, 'offline');
    expect(await browser!.syncNow()).toBe('failed');
    const log = await browser!.readLog();
    expect(log.length).toBeGreaterThan(0);
    expect(log.every((entry) => entry.state === 'pending')).toBe(true);

    collector = await startCollector({ port, dbFile: join(dataDir, 'events.sqlite'), token: TOKEN });
    await visitPages(2, 'online');
    expect(await browser!.syncNow()).toBe('done');
    await expectAllDeliveredOnce();
  });

  it('delivers once when the background is stopped while a sync request is in flight', async () => {
    await configureSync();
    await visitPages(6, 'inflight');
    let received!: () => void;
    const requestArrived = new Promise<void>((resolve) => (received = resolve));
    // The first request is stored, but its answer is held until the background is gone: the
    // extension cannot know whether the server committed it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    collector.setInterceptor(async ({ sequence }) => {
      if (sequence > 1) return undefined;
      received();
      await held;
      return { destroy: true, store: true };
    });
    void browser!.syncNow().catch(() => undefined);
    await requestArrived;
    await browser!.suspendBackground();
    release();
    await eventually(async () => expect((await idsAtCollector()).length).toBeGreaterThan(0));

    const popup = await browser!.openPopup();
    expect(await popup.syncNow()).toBe('done'); // its message wakes the background again
    await expectAllDeliveredOnce();
  });

  it('delivers pending events once after a browser restart (sync on browser start)', async () => {
    await configureSync();
    await visitPages(4, 'before-restart');
    const pendingBefore = (await browser!.readLog()).filter((e) => e.state === 'pending');
    expect(pendingBefore.length).toBeGreaterThan(0);
    expect(await idsAtCollector()).toEqual([]);
    await browser!.restart();
    // No "Sync now": the first background of a browser session syncs by itself.
    await eventually(async () => expect((await idsAtCollector()).length).toBeGreaterThanOrEqual(pendingBefore.length), {
      timeout: 20_000,
      interval: 250,
    });
    expect(await browser!.syncNow()).toBe('done');
    await expectAllDeliveredOnce();
  });

  it('sends to the endpoint saved on the options page', async () => {
    await visitPages(2, 'options');
    const options = await browser!.openExtensionPage('options.html');
    // The page fills its form from storage after load: wait for that before typing.
    await eventually(async () => expect(await options.evaluate(() => document.body.dataset.loaded ?? null, null)).toBe('true'));
    await options.fill('Endpoint URL', collector.activityUrl);
    await options.fill('API token', TOKEN);
    await options.click('button', 'Save');
    await eventually(async () => expect(await options.evaluate(() => document.body.dataset.saved ?? null, null)).toBe('ok'));
    expect(await options.inputValue('Endpoint URL')).toBe(collector.activityUrl);

    // Saving new settings syncs at once (docs/design.md §5: new settings end a backoff too).
    await expectAllDeliveredOnce();
    expect((await idsAtCollector()).length).toBeGreaterThanOrEqual(3);
  });

  // docs/design.md §9: a team's collector on PostgreSQL. One browser is enough for what the
  // database adds; the extension's side of a 503 is the same in both.
  it.runIf(browserName === 'chromium')(
    'backs off while PostgreSQL is down mid-sync (503, Retry-After), loses nothing, and delivers once when it is back',
    async () => {
      const postgres = await startTestPostgres();
      onTestFinished(() => postgres.destroy());
      await collector.close();
      collector = await startCollector({ port: 0, database: postgres.adminUrl, token: TOKEN });
      await configureSync();
      await visitPages(3, 'pg-up');
      expect(await browser!.syncNow()).toBe('done');
      await expectAllDeliveredOnce();
      const before = await idsAtCollector();

      // The database goes away while the extension's next batch is at the collector.
      let stopped = false;
      collector.setInterceptor(() => {
        if (!stopped) postgres.stop();
        stopped = true;
        return undefined;
      });
      await visitPages(3, 'pg-down');
      const syncStarted = Date.now();
      expect(await browser!.syncNow()).toBe('failed');
      expect(stopped).toBe(true);
      const status = SYNC_STATUS.parse((await browser!.getStorage(SYNC_STATUS.key))[SYNC_STATUS.key]);
      expect(status).toMatchObject({ state: 'backoff', failures: 1, lastError: expect.stringMatching(/database is unavailable/) });
      // Not sooner than the collector's Retry-After (5 s) asks.
      expect(status.nextAttemptAt! - syncStarted).toBeGreaterThanOrEqual(5_000);
      const log = await browser!.readLog();
      const pending = log.filter((entry) => entry.state === 'pending');
      expect(pending.length).toBeGreaterThan(0);

      collector.setInterceptor(undefined);
      postgres.start();
      // Nothing of the refused batch reached the table.
      expect(await idsAtCollector()).toEqual(before);
      expect(await browser!.syncNow()).toBe('done');
      await expectAllDeliveredOnce();
    },
  );
});
