import type { BrowserContext, Locator, Page } from 'playwright-core';
import { eventually, type EventuallyOptions } from './eventually';

/** One row of the popup's log, as a user reads it. */
export interface PopupRow {
  /** The page title, or its URL when there is none (design.md §7). */
  title: string;
  /** The rest of the row: host · action · relative time · sync state. */
  details: string;
}

/**
 * The popup (design.md §7), opened as a tab: `chrome.action.openPopup()` shows nothing
 * Playwright can drive in headless Chromium (browser-testing.md). Located by role and
 * accessible name, as a user (or a screen reader) finds things.
 */
export class PopupPage {
  private constructor(readonly page: Page) {}

  /**
   * Opens `popup.html` in a background tab. In the background because a new foreground tab
   * would switch the active tab away from the page under test, and a tab switch ends a view
   * (design.md §3); the real popup does not switch tabs. Playwright's `newPage()` always
   * activates the new tab, so this goes through CDP `Target.createTarget({ background: true })`.
   */
  static async open(context: BrowserContext, extensionId: string): Promise<PopupPage> {
    const browser = context.browser();
    if (!browser) throw new Error('PopupPage.open needs a Chromium context with a browser');
    const url = `chrome-extension://${extensionId}/popup.html`;
    const session = await browser.newBrowserCDPSession();
    try {
      const opened = context.waitForEvent('page', { predicate: (page) => page.url() === url });
      await session.send('Target.createTarget', { url, background: true });
      const popup = new PopupPage(await opened);
      await popup.waitUntilLoaded();
      return popup;
    } finally {
      await session.detach().catch(() => {});
    }
  }

  get list(): Locator {
    return this.page.getByRole('list', { name: 'Recent activity' });
  }

  /** The status line: "N pending", logging on or paused, last sync (design.md §7). */
  statusText(): Promise<string> {
    return this.page.getByRole('status').innerText();
  }

  /** Row titles as shown now, newest first. The popup reads the log once, when it opens. */
  async rows(): Promise<string[]> {
    return (await this.rowDetails()).map((row) => row.title);
  }

  async rowDetails(): Promise<PopupRow[]> {
    const items = await this.list.getByRole('listitem').all();
    return Promise.all(
      items.map(async (item) => ({
        title: await item.locator('.title').innerText(),
        details: await item.locator('.meta').innerText(),
      })),
    );
  }

  /** Reopens the popup's page, as a user reopening the popup would, and waits for its log. */
  async reload(): Promise<void> {
    await this.page.reload();
    await this.waitUntilLoaded();
  }

  /**
   * Reloads until the row titles satisfy `predicate`, and resolves to them. Recording is
   * asynchronous and the popup does not update live, so a test polls with fresh reads.
   */
  async waitForRows(
    predicate: (titles: string[]) => boolean,
    options: EventuallyOptions = {},
  ): Promise<string[]> {
    let first = true;
    const readFreshRows = async () => {
      if (!first) await this.reload();
      first = false;
      const titles = await this.rows();
      if (!predicate(titles)) {
        throw new Error(`popup rows not as expected: ${JSON.stringify(titles)}`);
      }
      return titles;
    };
    return eventually(readFreshRows, { interval: 100, ...options });
  }

  /**
   * Clicks "Sync now" as a user would and resolves to the outcome the background reported
   * (`done`, `failed`, `auth-error`, ...), which the popup sets as `body[data-last-sync]`.
   */
  async syncNow({ timeout = 40_000 } = {}): Promise<string> {
    await this.page.evaluate(() => delete document.body.dataset.lastSync);
    await this.page.getByRole('button', { name: 'Sync now' }).click();
    const marked = this.page.locator('body[data-last-sync]');
    await marked.waitFor({ state: 'attached', timeout });
    return (await marked.getAttribute('data-last-sync')) ?? '';
  }

  close(): Promise<void> {
    return this.page.close();
  }

  /** The popup sets `body[data-loaded]` once its first render is done. */
  private async waitUntilLoaded(timeout = 5_000): Promise<void> {
    try {
      await this.page.locator('body[data-loaded="true"]').waitFor({ state: 'attached', timeout });
    } catch (error) {
      const status = await this.statusText().catch(() => '(unreadable)');
      throw new Error(`The popup did not finish loading; its status line says: ${status}`, {
        cause: error,
      });
    }
  }
}
