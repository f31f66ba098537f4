import type { BrowserContext, Page } from 'playwright-core';

/**
 * Opens `url` in a new tab that stays in the background (the active tab does not change), and
 * resolves once it has loaded. Playwright's `newPage()` always activates the new tab, and a
 * tab switch ends a view (docs/design.md §3), so this goes through CDP
 * `Target.createTarget({ background: true })`. `page.bringToFront()` later activates it.
 */
export async function openBackgroundTab(context: BrowserContext, url: string): Promise<Page> {
  const browser = context.browser();
  if (!browser) throw new Error('openBackgroundTab needs a Chromium context with a browser');
  const session = await browser.newBrowserCDPSession();
  try {
    const known = new Set(context.pages());
    const opened = context.waitForEvent('page', { predicate: (page) => !known.has(page) });
    await session.send('Target.createTarget', { url, background: true });
    const page = await opened;
    await page.waitForURL(url, { waitUntil: 'load' });
    return page;
  } finally {
    await session.detach().catch(() => {});
  }
}
