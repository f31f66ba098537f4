import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoredLogEntry } from '../../src/store/log-entry';
import {
  E2E_BROWSERS,
  eventually,
  launchE2eBrowser,
  launchFirefoxExtensionBrowser,
  startTestPageServer,
  type E2eBrowser,
  type E2ePopup,
  type TestPageServer,
} from './harness';

// The foundation journey in each real browser with the built extension (Chromium: MV3
// service worker; Firefox ESR: MV3 event page): navigations are recorded, shown in the popup
// newest first, once each, and survive both a stopped background and a browser restart
// (docs/design.md §3, §4, §7). The same definitions run in every browser of E2E_BROWSERS.

let server: TestPageServer;
let browser: E2eBrowser | undefined;

beforeAll(async () => {
  server = await startTestPageServer();
});

afterEach(async () => {
  await browser?.close();
  browser = undefined;
});

afterAll(async () => {
  await server?.close();
});

/**
 * The popup shows a page's title, or its URL while it has none (docs/design.md §7). Mapping
 * titles back to URLs keeps these assertions exact either way.
 */
function shownPages(rows: string[], pageNames: string[]): string[] {
  const urlByTitle = new Map(pageNames.map((name) => [name, server.pageUrl(name)]));
  return rows.map((row) => urlByTitle.get(row) ?? row);
}

async function popupPages(popup: E2ePopup, pageNames: string[], expectedCount: number) {
  const rows = await popup.waitForRows((titles) => titles.length >= expectedCount);
  return shownPages(rows, pageNames);
}

/** `view PATH` for a starting VIEW, `done PATH` for a completing one, in recording order. */
function describeLog(log: StoredLogEntry[]): string[] {
  return log.map(({ event }) => {
    const path = event.url.startsWith(server.origin) ? event.url.slice(server.origin.length) : event.url;
    return `${event.params?.truncated ? 'view' : 'done'} ${event.action} ${path}`;
  });
}

/**
 * Waits until the log reads `expected` once every delivered signal is handled, then reads it
 * again a moment later: a late duplicate or a stray event fails too.
 */
async function expectLog(expected: string[]): Promise<void> {
  const read = async () => {
    await browser!.settleCapture();
    return describeLog(await browser!.readLog());
  };
  await eventually(async () => expect(await read()).toEqual(expected), { timeout: 5_000, interval: 100 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await read()).toEqual(expected);
}

describe.each(E2E_BROWSERS)('recording navigations in %s', (browserName) => {
  it('lists each visited page once, newest first', async () => {
    browser = await launchE2eBrowser(browserName);
    await browser.visit(server.pageUrl('alpha'));
    await browser.visit(server.pageUrl('beta'));

    const popup = await browser.openPopup();
    const pages = ['alpha', 'beta'];
    // about:blank (a new tab's first commit) and the popup's extension page are not http(s)
    // and must not appear: exactly two rows.
    expect(await popupPages(popup, pages, 2)).toEqual([server.pageUrl('beta'), server.pageUrl('alpha')]);

    // Read again after the background had more time: a late duplicate would show up here.
    await popup.reload();
    expect(shownPages(await popup.rows(), pages)).toEqual([server.pageUrl('beta'), server.pageUrl('alpha')]);
  });

  it('records the next navigation after the background was stopped, with the right titles', async () => {
    browser = await launchE2eBrowser(browserName);
    await browser.visit(server.pageUrl('before-stop'));
    const popup = await browser.openPopup();
    const pages = ['before-stop', 'after-stop'];
    expect(await popupPages(popup, pages, 1)).toEqual([server.pageUrl('before-stop')]);
    await browser.settleCapture();

    await browser.suspendBackground();
    // The navigation is the event that has to wake the stopped background (docs/design.md §3:
    // listeners registered at top level). It ends the view opened before the stop, whose
    // completing VIEW must keep its own page's title, whatever order the woken background
    // gets the events in (Firefox replays them listener by listener).
    await browser.visit(server.pageUrl('after-stop'));

    expect(await popupPages(popup, pages, 2)).toEqual([server.pageUrl('after-stop'), server.pageUrl('before-stop')]);
    await eventually(async () => expect(await browser!.backgroundStatus()).toMatchObject({ ready: true }));
    await browser.settleCapture();
    const completed = (await browser.readLog()).find((entry) => entry.event.params?.duration !== undefined);
    expect(completed?.event).toMatchObject({ url: server.pageUrl('before-stop'), params: { title: 'before-stop' } });
  });

  it('keeps the log across a browser restart on the same profile', async () => {
    browser = await launchE2eBrowser(browserName);
    await browser.visit(server.pageUrl('alpha'));
    await browser.visit(server.pageUrl('beta'));
    const pages = ['alpha', 'beta', 'gamma'];
    const beforeRestart = await browser.openPopup();
    expect(await popupPages(beforeRestart, pages, 2)).toEqual([server.pageUrl('beta'), server.pageUrl('alpha')]);

    await browser.restart();

    // No polling: what was durable before the restart is there as soon as the popup opens,
    // and starting the browser records nothing by itself.
    const afterRestart = await browser.openPopup();
    expect(shownPages(await afterRestart.rows(), pages)).toEqual([server.pageUrl('beta'), server.pageUrl('alpha')]);

    // Recording carries on into the same log.
    await browser.visit(server.pageUrl('gamma'));
    expect(await popupPages(afterRestart, pages, 3)).toEqual([
      server.pageUrl('gamma'),
      server.pageUrl('beta'),
      server.pageUrl('alpha'),
    ]);
  });

  it('starts a view for a single-page app route that changes path or query, not for a fragment', async () => {
    browser = await launchE2eBrowser(browserName);
    const tab = await browser.visit(server.spaUrl('app'));
    await browser.settleCapture();
    await tab.click('button', 'Push /spa/next');
    await tab.waitForUrl(server.spaUrl('next'));
    // Recorded once it settled (docs/design.md §3): the next change is then a view of its own.
    await expectLog(['view VIEW /spa/app', 'done VIEW /spa/app', 'view VIEW /spa/next']);
    await tab.click('button', 'Set #top');
    await tab.waitForUrl(`${server.spaUrl('next')}#top`);
    await tab.click('button', 'Push /spa/next?page=2');
    await tab.waitForUrl(server.spaUrl('next?page=2'));

    await expectLog([
      'view VIEW /spa/app',
      'done VIEW /spa/app',
      'view VIEW /spa/next',
      'done VIEW /spa/next',
      'view VIEW /spa/next?page=2',
    ]);
  });

  it('a reload and a back navigation are new views, each completed with its page\'s title', async () => {
    // Neither reports a title change (the title is already there): capture asks the tab.
    browser = await launchE2eBrowser(browserName);
    const tab = await browser.visit(server.pageUrl('alpha'));
    await browser.settleCapture();
    await tab.reload();
    await browser.settleCapture();
    await tab.goto(server.pageUrl('beta'));
    await browser.settleCapture();
    await tab.evaluate(() => history.back(), null);
    await tab.waitForUrl(server.pageUrl('alpha'));
    await browser.settleCapture();
    await tab.goto(server.pageUrl('gamma'));

    const withTitles = async () => {
      await browser!.settleCapture();
      return (await browser!.readLog())
        .filter(({ event }) => event.params?.duration !== undefined)
        .map(({ event }) => `${event.url.slice(server.origin.length)} "${event.params?.title ?? ''}"`);
    };
    await expectLog([
      'view VIEW /page/alpha',
      'done VIEW /page/alpha',
      'view VIEW /page/alpha',
      'done VIEW /page/alpha',
      'view VIEW /page/beta',
      'done VIEW /page/beta',
      'view VIEW /page/alpha',
      'done VIEW /page/alpha',
      'view VIEW /page/gamma',
    ]);
    await eventually(async () =>
      expect(await withTitles()).toEqual(['/page/alpha "alpha"', '/page/alpha "alpha"', '/page/beta "beta"', '/page/alpha "alpha"']),
    );
  });

  it('a tab switch ends the view and the tab brought to the front starts one, titles on both', async () => {
    browser = await launchE2eBrowser(browserName);
    const first = await browser.visit(server.pageUrl('alpha'));
    // Loaded behind: never seen, nothing recorded for it until it is shown.
    const second = await browser.openBackgroundTab(server.pageUrl('beta'));
    await browser.settleCapture();
    await second.activate();
    await browser.settleCapture();
    await first.activate();

    await expectLog(['view VIEW /page/alpha', 'done VIEW /page/alpha', 'view VIEW /page/beta', 'done VIEW /page/beta', 'view VIEW /page/alpha']);
    const titles = (await browser.readLog())
      .filter(({ event }) => event.params?.duration !== undefined)
      .map(({ event }) => event.params?.title);
    expect(titles).toEqual(['alpha', 'beta']);
  });

  it('starts no view when only the fragment changes, and one for the next page', async () => {
    browser = await launchE2eBrowser(browserName);
    const a = server.pageUrl('alpha');
    const tab = await browser.visit(a);
    await tab.click('link', 'Details');
    await tab.waitForUrl(`${a}#details`);
    // The same fragment again (Chromium reports it as a history state update).
    await tab.click('link', 'Details');
    await browser.settleCapture();
    await browser.visit(server.pageUrl('beta'));

    // Fragments are never stored (docs/design.md §6): the view's URL is the page's.
    await expectLog(['view VIEW /page/alpha', 'done VIEW /page/alpha', 'view VIEW /page/beta']);
  });
});

describe.runIf(E2E_BROWSERS.includes('firefox'))('the Firefox event page idling out by itself', () => {
  it('is suspended after extensions.background.idle.timeout and woken by the next navigation', async () => {
    const firefox = await launchFirefoxExtensionBrowser({ idleTimeoutMs: 1_000 });
    browser = firefox;
    await firefox.visit(server.pageUrl('before-idle'));
    await firefox.settleCapture();
    // No help from the test: Firefox's own idle timer stops the event page.
    await eventually(async () => expect(await firefox.backgroundState()).toBe('stopped'), { timeout: 15_000, interval: 100 });
    expect(await firefox.backgroundStatus()).toBeUndefined();

    await firefox.visit(server.pageUrl('after-idle'));
    const popup = await firefox.openPopup();
    const pages = ['before-idle', 'after-idle'];
    expect(await popupPages(popup, pages, 2)).toEqual([server.pageUrl('after-idle'), server.pageUrl('before-idle')]);
  });
});
