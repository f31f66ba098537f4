import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../../collector/start';
import type { RecordedEvent } from '../../src/model/activity-event';
import {
  E2E_BROWSERS,
  eventually,
  launchE2eBrowser,
  makeTempDir,
  removeDir,
  startTestPageServer,
  type E2eBrowser,
  type E2eTab,
  type TestPageServer,
} from './harness';
import { buildRouterApps } from './router-apps/build-router-apps';

// Single-page apps built from the real router libraries (react-router-dom's BrowserRouter,
// vue-router's createWebHistory; tests/e2e/router-apps/, bundled with esbuild for the test
// page server), and a landing page that drops its utm_* parameters itself, in each browser with
// the built extension (docs/design.md §3 the settle rule and titles, §6 tracking parameters).
// What reaches the server is read at the real collector, over real HTTP.
// One browser per browser name for the file; each journey reads only the events of its own pages.

const TOKEN = 'e2e-token';

let server: TestPageServer;

beforeAll(async () => {
  server = await startTestPageServer({ routerApps: await buildRouterApps() });
});

afterAll(async () => {
  await server?.close();
});

const isStart = (event: RecordedEvent) => event.params?.truncated === true;
const isDone = (event: RecordedEvent) => event.params?.duration !== undefined;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(E2E_BROWSERS)('single-page apps on real routers, in %s', (browserName) => {
  let browser: E2eBrowser;
  let collector: RunningCollector;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await makeTempDir('activity-logger-e2e-collector');
    collector = await startCollector({ port: 0, dbFile: join(dataDir, 'events.sqlite'), token: TOKEN });
    browser = await launchE2eBrowser(browserName);
  });

  afterAll(async () => {
    await browser?.close();
    await collector?.close();
    if (dataDir) await removeDir(dataDir);
  });

  async function eventsUnder(prefix: string): Promise<RecordedEvent[]> {
    return (await browser.readLog()).map((entry) => entry.event).filter((event) => event.url.startsWith(prefix));
  }

  /** Ends the view in front with a page of its own, so its completion is written. */
  async function leave(name: string): Promise<void> {
    await browser.visit(server.pageUrl(name));
  }

  async function waitForTitle(tab: E2eTab, title: string): Promise<void> {
    await eventually(async () => expect(await tab.title()).toBe(title));
  }

  it('react-router: back after a Link to ?tab=2 completes each view with its own page\'s title', async () => {
    const item = server.reactAppUrl('app/item/42');
    const tab = await browser.visit(item);
    await waitForTitle(tab, 'RR Item 42');
    await browser.settleCapture();
    await tab.click('link', 'Tab 2');
    await tab.waitForUrl(`${item}?tab=2`);
    await waitForTitle(tab, 'RR Item 42 (tab 2)');
    // Settled (a view of its own) before the user goes back.
    await eventually(async () => expect((await eventsUnder(`${item}?tab=2`)).filter(isStart)).toHaveLength(1));
    await tab.evaluate(() => history.back(), null);
    await tab.waitForUrl(item);
    await sleep(1_200);
    await leave('after-react');

    const done = await eventually(async () => {
      const completions = (await eventsUnder(server.reactAppUrl(''))).filter(isDone);
      expect(completions).toHaveLength(3);
      return completions;
    });
    expect(done.map((event) => [event.url, event.params?.title])).toEqual([
      [item, 'RR Item 42'],
      [`${item}?tab=2`, 'RR Item 42 (tab 2)'],
      [item, 'RR Item 42'],
    ]);
  });

  it('vue-router: five characters typed into a box that router.replace()s its query are one view of the final address', async () => {
    const search = server.vueAppUrl('search');
    const tab = await browser.visit(search);
    await eventually(() => tab.inputValue('Filter'));
    await browser.settleCapture();
    await tab.type('Filter', 'hello', { delayMs: 280 });
    await tab.waitForUrl(`${search}?q=hello`);
    await eventually(async () => expect((await eventsUnder(`${search}?q=`)).filter(isStart)).toHaveLength(1));
    // router.push() to another route, after the settle time: a view of its own.
    await tab.click('button', 'About');
    await tab.waitForUrl(server.vueAppUrl('about'));
    await sleep(1_200);
    await leave('after-vue');

    await eventually(async () => {
      const typed = await eventsUnder(`${search}?q=`);
      expect(typed.map((event) => [isStart(event) ? 'view' : 'done', event.url])).toEqual([
        ['view', `${search}?q=hello`],
        ['done', `${search}?q=hello`],
      ]);
      expect(typed[1]!.params?.title).toBe('Vue search: hello');
      const about = await eventsUnder(server.vueAppUrl('about'));
      expect(about.map((event) => (isStart(event) ? 'view' : 'done'))).toEqual(['view', 'done']);
    });
  });

  it('a landing page that removes its utm_* with replaceState is one view, and no utm_* reaches the server', async () => {
    await browser.setStorage({ settings: { endpointUrl: collector.activityUrl }, apiToken: TOKEN });
    const tab = await browser.visit(server.landingUrl('utm_source=news&utm_medium=email&id=7'));
    await tab.waitForUrl(`${server.origin}/land?id=7`);
    await sleep(1_200);
    await leave('after-landing');

    const landing = await eventually(async () => {
      const events = await eventsUnder(`${server.origin}/land`);
      expect(events.map((event) => [isStart(event) ? 'view' : 'done', event.url])).toEqual([
        ['view', `${server.origin}/land?id=7`],
        ['done', `${server.origin}/land?id=7`],
      ]);
      return events;
    });
    expect(landing[1]!.params?.duration).toBeGreaterThanOrEqual(1);

    // Everything recorded in this browser, as the collector stored it: the landing page's
    // view is there, at the address without its utm_*, and no utm_* anywhere.
    await browser.syncNow();
    const received = await eventually(
      async () => {
        const log = await browser.readLog();
        expect(log.filter((entry) => entry.state !== 'sent')).toEqual([]);
        const stored = collector.store.all().map((row) => row.event);
        expect(stored.map((event) => event.id).sort()).toEqual(log.map((entry) => entry.event.id).sort());
        return stored;
      },
      { timeout: 20_000, interval: 250 },
    );
    expect(received.filter((event) => event.url.startsWith(`${server.origin}/land`)).map((event) => event.url)).toEqual([
      `${server.origin}/land?id=7`,
      `${server.origin}/land?id=7`,
    ]);
    expect(JSON.stringify(received)).not.toContain('utm_');
  });
});
