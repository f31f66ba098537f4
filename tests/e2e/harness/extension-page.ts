import type { BrowserContext, Page } from 'playwright-core';

/**
 * Opens one of the extension's pages (`popup.html`, `options.html`) in a background tab, so
 * the active tab — where tests navigate — stays the same: a tab switch ends a view
 * (docs/design.md §3). Playwright's `newPage()` always activates the new tab; CDP
 * `Target.createTarget({ background: true })` does not.
 */
export async function openExtensionPage(context: BrowserContext, extensionId: string, path: string): Promise<Page> {
  const browser = context.browser();
  if (!browser) throw new Error('openExtensionPage needs a Chromium context with a browser');
  const url = `chrome-extension://${extensionId}/${path}`;
  const session = await browser.newBrowserCDPSession();
  try {
    const opened = context.waitForEvent('page', { predicate: (page) => page.url() === url });
    await session.send('Target.createTarget', { url, background: true });
    return await opened;
  } finally {
    await session.detach().catch(() => {});
  }
}
