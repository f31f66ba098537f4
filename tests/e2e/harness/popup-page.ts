import type { BrowserContext, Locator, Page } from 'playwright-core';
import { eventually, type EventuallyOptions } from './eventually';

/** One row of the popup's log, as a user reads it. */
export interface PopupRow {
  /** The page title, or its URL when there is none (docs/design.md §7). */
  title: string;
  /** The rest of the row: host · action · relative time · sync state. */
  details: string;
}

/**
 * The popup (docs/design.md §7), opened as a tab: `chrome.action.openPopup()` shows nothing
 * Playwright can drive in headless Chromium (browser-testing.md). Located by role and
 * accessible name, as a user (or a screen reader) finds things.
 */
export class PopupPage {
  private constructor(readonly page: Page) {}

  /**
   * Opens `popup.html` in a background tab. In the background because a new foreground tab
   * would switch the active tab away from the page under test, and a tab switch ends a view
   * (docs/design.md §3); the real popup does not switch tabs. Playwright's `newPage()` always
   * activates the new tab, so this goes through CDP `Target.createTarget({ background: true })`.
   */
  static async open(
    context: BrowserContext,
    extensionId: string,
    // 'failed': the popup could not read the log (a full disk) and says so in its status line.
    { loaded = 'true' }: { loaded?: 'true' | 'failed' } = {},
  ): Promise<PopupPage> {
    const browser = context.browser();
    if (!browser) throw new Error('PopupPage.open needs a Chromium context with a browser');
    const url = `chrome-extension://${extensionId}/popup.html`;
    const session = await browser.newBrowserCDPSession();
    try {
      const opened = context.waitForEvent('page', { predicate: (page) => page.url() === url });
      await session.send('Target.createTarget', { url, background: true });
      const popup = new PopupPage(await opened);
      await popup.waitUntilLoaded(loaded);
      return popup;
    } finally {
      await session.detach().catch(() => {});
    }
  }

  get list(): Locator {
    return this.page.getByRole('list', { name: 'Recent activity' });
  }

  /** The status line: "N pending", logging on or paused, last sync (docs/design.md §7). */
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
    await this.waitUntilLoaded('true');
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
  /** Clicks "Retry rejected" (shown while the log holds rejected records); resolves to the sync's outcome. */
  async retryRejected({ timeout = 40_000 } = {}): Promise<string> {
    await this.page.evaluate(() => delete document.body.dataset.lastSync);
    await this.page.getByRole('button', { name: 'Retry rejected' }).click();
    return waitForBody(this.page, 'lastSync', undefined, timeout);
  }

  async syncNow({ timeout = 40_000 } = {}): Promise<string> {
    await this.page.evaluate(() => delete document.body.dataset.lastSync);
    await this.page.getByRole('button', { name: 'Sync now' }).click();
    return waitForBody(this.page, 'lastSync', undefined, timeout);
  }

  /**
   * Types into "Search" and waits until the list shows that search's results (the popup sets
   * `body[data-search]` to the query it rendered). Resolves to the row titles.
   */
  async search(query: string): Promise<string[]> {
    await this.page.getByRole('searchbox', { name: 'Search' }).fill(query);
    await waitForBody(this.page, 'search', query.trim());
    return this.rows();
  }

  /** Clicks "Show more" and waits for more rows; resolves to all row titles. */
  async showMore(): Promise<string[]> {
    const before = (await this.rows()).length;
    await this.page.getByRole('button', { name: 'Show more' }).click();
    await this.page.waitForFunction((n) => document.querySelectorAll('#log > li').length > n, before, { polling: 50 });
    return this.rows();
  }

  /** "Pause" → "Pause until I resume" or "Pause for 1 hour"; waits for the popup to show it. */
  async pause(how: 'until resumed' | 'for 1 hour' = 'until resumed'): Promise<void> {
    await this.page.getByRole('button', { name: 'Pause', exact: true }).click();
    const choice = how === 'until resumed' ? 'Pause until I resume' : 'Pause for 1 hour';
    await this.page.getByRole('button', { name: choice }).click();
    await waitForBody(this.page, 'paused', 'true');
  }

  async resume(): Promise<void> {
    await this.page.getByRole('button', { name: 'Resume' }).click();
    await waitForBody(this.page, 'paused', 'false');
  }

  /** "Export" → a format; resolves to the downloaded file's name and text. */
  async export(format: 'JSON (wire format)' | 'NDJSON' | 'CSV' | 'Daily summary (CSV)'): Promise<{ fileName: string; text: string }> {
    await this.page.getByRole('button', { name: 'Export' }).click();
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: format, exact: true }).click();
    const file = await download;
    const stream = await file.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { fileName: file.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') };
  }

  /** The row whose title is exactly `title`. */
  row(title: string): Locator {
    return this.list.getByRole('listitem').filter({ has: this.page.locator('.title', { hasText: title }) });
  }

  /** Clicks the row's "Delete" and waits until the row is gone. */
  async deleteRow(title: string): Promise<void> {
    await this.page.getByRole('button', { name: `Delete “${title}”` }).click();
    await this.row(title).waitFor({ state: 'detached' });
  }

  /** Clicks "Delete site" on a row of `host`, then answers the confirmation. */
  async deleteSite(host: string, answer: 'Delete' | 'Cancel'): Promise<void> {
    await this.page.getByRole('button', { name: `Delete site ${host} (every event from it)` }).first().click();
    await this.answerConfirmation(answer);
  }

  /** Clicks "Delete all…", then answers the confirmation. */
  async deleteAll(answer: 'Delete everything' | 'Cancel'): Promise<void> {
    await this.page.getByRole('button', { name: 'Delete all…' }).click();
    await this.answerConfirmation(answer);
  }

  /** The confirmation's question; resolves once the dialog has closed and the list settled. */
  private async answerConfirmation(answer: string): Promise<void> {
    const dialog = this.page.getByRole('dialog');
    await dialog.waitFor({ state: 'visible' });
    this.lastConfirmation = await dialog.locator('#confirm-text').innerText();
    await this.page.evaluate(() => delete document.body.dataset.search);
    await dialog.getByRole('button', { name: answer, exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    if (answer !== 'Cancel') await waitForBody(this.page, 'search');
  }

  /** The text of the last confirmation question answered. */
  lastConfirmation = '';

  /** The popup's time from navigation to its list in the DOM, in ms (`body[data-list-rendered-ms]`). */
  async listRenderedMs(): Promise<number> {
    return Number(await this.page.locator('body').getAttribute('data-list-rendered-ms'));
  }

  close(): Promise<void> {
    return this.page.close();
  }

  /** The popup sets `body[data-loaded]` once its first render is done (`failed`: it could not read the log). */
  private async waitUntilLoaded(loaded: 'true' | 'failed', timeout = 10_000): Promise<void> {
    try {
      await waitForBody(this.page, 'loaded', loaded, timeout);
    } catch (error) {
      const status = await this.statusText().catch(() => '(unreadable)');
      throw new Error(`The popup did not finish loading; its status line says: ${status}`, {
        cause: error,
      });
    }
  }
}

/**
 * Waits until `<body data-NAME>` is set (to `value`, when given) and resolves to it. Polls on a
 * timer: extension pages here live in background tabs, which get no animation frames, so
 * Playwright's frame-driven `locator.waitFor` would only notice a change made before it began.
 */
export async function waitForBody(page: Page, name: string, value?: string, timeout = 10_000): Promise<string> {
  const handle = await page.waitForFunction(
    ({ name, value }) => {
      // No body yet while the page is still being parsed (seen right after a browser restart).
      const current = document.body?.dataset[name];
      // An object, so that an empty value still counts as set.
      return current !== undefined && (value === undefined || current === value) ? { current } : false;
    },
    { name, value },
    { polling: 50, timeout },
  );
  return ((await handle.jsonValue()) as { current: string }).current;
}
