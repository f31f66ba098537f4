import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/model/activity-event';
import {
  captureSettled,
  eventually,
  launchExtensionBrowser,
  readLog,
  startTestPageServer,
  type ExtensionBrowser,
  type TestPageServer,
} from './harness';
import { buildRouterApps } from './router-apps/build-router-apps';

// Single-page apps built from the real router libraries (react-router-dom's BrowserRouter,
// vue-router's createWebHistory; tests/e2e/router-apps/, bundled with esbuild for the test
// page server), and a landing page that drops its utm_* parameters itself, in Chromium with
// the built extension (docs/design.md §3 the settle rule and titles, §6 tracking parameters).
// One browser for the file; each journey reads only the events of its own pages.

let server: TestPageServer;
let browser: ExtensionBrowser;

beforeAll(async () => {
  server = await startTestPageServer({ routerApps: await buildRouterApps() });
  browser = await launchExtensionBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function eventsUnder(prefix: string): Promise<RecordedEvent[]> {
  return (await readLog(browser.worker)).map((entry) => entry.event).filter((event) => event.url.startsWith(prefix));
}

const isStart = (event: RecordedEvent) => event.params?.truncated === true;
const isDone = (event: RecordedEvent) => event.params?.duration !== undefined;

/** Ends the view in front with a page of its own, so its completion is written. */
async function leave(name: string): Promise<void> {
  await browser.visit(server.pageUrl(name));
}

describe('single-page apps on real routers', () => {
  it('react-router: back after a Link to ?tab=2 completes each view with its own page\'s title', async () => {
    const item = server.reactAppUrl('app/item/42');
    const tab = await browser.visit(item);
    await tab.waitForFunction(() => document.title === 'RR Item 42');
    await captureSettled(browser.worker);
    await tab.getByRole('link', { name: 'Tab 2' }).click();
    await tab.waitForURL(`${item}?tab=2`);
    await tab.waitForFunction(() => document.title === 'RR Item 42 (tab 2)');
    // Settled (a view of its own) before the user goes back.
    await eventually(async () => expect((await eventsUnder(`${item}?tab=2`)).filter(isStart)).toHaveLength(1));
    await tab.evaluate(() => history.back());
    await tab.waitForURL(item);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
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
    await tab.getByLabel('Filter').waitFor();
    await captureSettled(browser.worker);
    await tab.getByLabel('Filter').pressSequentially('hello', { delay: 280 });
    await tab.waitForURL(`${search}?q=hello`);
    await eventually(async () => expect((await eventsUnder(`${search}?q=`)).filter(isStart)).toHaveLength(1));
    // router.push() to another route, after the settle time: a view of its own.
    await tab.getByRole('button', { name: 'About' }).click();
    await tab.waitForURL(server.vueAppUrl('about'));
    await new Promise((resolve) => setTimeout(resolve, 1_200));
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

  it('a landing page that removes its utm_* with replaceState is one view, and no utm_* is stored', async () => {
    await browser.visit(server.landingUrl('utm_source=news&utm_medium=email&id=7'));
    await browser.mainTab.waitForURL(`${server.origin}/land?id=7`);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
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
    // Sync sends the stored events as they are: nothing of utm_* in the whole log.
    expect(JSON.stringify(await readLog(browser.worker))).not.toContain('utm_');
  });
});
