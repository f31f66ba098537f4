import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  launchExtensionBrowser,
  readBackgroundStatus,
  startTestPageServer,
  type ExtensionBrowser,
  type PopupPage,
  type TestPageServer,
} from './harness';

// The foundation journey in a real Chromium with the built extension: navigations are
// recorded, shown in the popup newest first, once each, and survive both a stopped service
// worker and a browser restart (design.md §3, §4, §7).

let server: TestPageServer;
let browser: ExtensionBrowser | undefined;

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
 * The popup shows a page's title, or its URL while it has none (design.md §7). The first
 * capture slice records no titles; mapping titles back to URLs lets these assertions stay
 * exact either way.
 */
function shownPages(rows: string[], pageNames: string[]): string[] {
  const urlByTitle = new Map(pageNames.map((name) => [name, server.pageUrl(name)]));
  return rows.map((row) => urlByTitle.get(row) ?? row);
}

async function popupPages(popup: PopupPage, pageNames: string[], expectedCount: number) {
  const rows = await popup.waitForRows((titles) => titles.length >= expectedCount);
  return shownPages(rows, pageNames);
}

describe('recording navigations in Chromium', () => {
  it('lists each visited page once, newest first', async () => {
    browser = await launchExtensionBrowser();
    await browser.visit(server.pageUrl('alpha'));
    await browser.visit(server.pageUrl('beta'));

    const popup = await browser.openPopup();
    const pages = ['alpha', 'beta'];
    // about:blank (a new tab's first commit) and the popup's chrome-extension: page are not
    // http(s) and must not appear: exactly two rows.
    expect(await popupPages(popup, pages, 2)).toEqual([
      server.pageUrl('beta'),
      server.pageUrl('alpha'),
    ]);

    // Read again after the worker had more time: a late duplicate would show up here.
    await popup.reload();
    expect(shownPages(await popup.rows(), pages)).toEqual([
      server.pageUrl('beta'),
      server.pageUrl('alpha'),
    ]);
  });

  it('records the next navigation after the service worker was stopped', async () => {
    browser = await launchExtensionBrowser();
    await browser.visit(server.pageUrl('before-stop'));
    const popup = await browser.openPopup();
    const pages = ['before-stop', 'after-stop'];
    expect(await popupPages(popup, pages, 1)).toEqual([server.pageUrl('before-stop')]);

    await browser.stopServiceWorker();
    // The navigation is the event that has to wake the stopped worker (design.md §3:
    // listeners registered at top level).
    await browser.visit(server.pageUrl('after-stop'));

    expect(await popupPages(popup, pages, 2)).toEqual([
      server.pageUrl('after-stop'),
      server.pageUrl('before-stop'),
    ]);
    expect(await readBackgroundStatus(browser.worker)).toMatchObject({ ready: true });
  });

  it('keeps the log across a browser restart on the same profile', async () => {
    browser = await launchExtensionBrowser();
    await browser.visit(server.pageUrl('alpha'));
    await browser.visit(server.pageUrl('beta'));
    const pages = ['alpha', 'beta', 'gamma'];
    const beforeRestart = await browser.openPopup();
    expect(await popupPages(beforeRestart, pages, 2)).toEqual([
      server.pageUrl('beta'),
      server.pageUrl('alpha'),
    ]);

    await browser.restart();

    // No polling: what was durable before the restart is there as soon as the popup opens,
    // and starting the browser records nothing by itself.
    const afterRestart = await browser.openPopup();
    expect(shownPages(await afterRestart.rows(), pages)).toEqual([
      server.pageUrl('beta'),
      server.pageUrl('alpha'),
    ]);

    // Recording carries on into the same log.
    await browser.visit(server.pageUrl('gamma'));
    expect(await popupPages(afterRestart, pages, 3)).toEqual([
      server.pageUrl('gamma'),
      server.pageUrl('beta'),
      server.pageUrl('alpha'),
    ]);
  });
});
