import type { E2ePopup } from '../e2e-browser';
import { eventually, type EventuallyOptions } from '../eventually';
import type { PopupRow } from '../popup-page';
import type { FirefoxTab } from './firefox-tab';
import { readPopupRows } from './page-functions';

/** The popup page (`moz-extension://<uuid>/popup.html`) in a background tab of Firefox. */
export class FirefoxPopup implements E2ePopup {
  constructor(readonly tab: FirefoxTab) {}

  /** Loads the popup in `tab` and waits for its first render (`body[data-loaded]`). */
  static async open(tab: FirefoxTab, url: string): Promise<FirefoxPopup> {
    await tab.goto(url);
    const popup = new FirefoxPopup(tab);
    await popup.waitUntilLoaded();
    return popup;
  }

  async rows(): Promise<string[]> {
    return (await this.rowDetails()).map((row) => row.title);
  }

  rowDetails(): Promise<PopupRow[]> {
    return this.tab.evaluate(readPopupRows, null);
  }

  statusText(): Promise<string> {
    return this.tab.evaluate(() => ((document.querySelector('[role="status"]') as HTMLElement | null)?.innerText ?? '').trim(), null);
  }

  async reload(): Promise<void> {
    await this.tab.reload();
    await this.waitUntilLoaded();
  }

  async waitForRows(predicate: (titles: string[]) => boolean, options: EventuallyOptions = {}): Promise<string[]> {
    let first = true;
    return eventually(
      async () => {
        if (!first) await this.reload();
        first = false;
        const titles = await this.rows();
        if (!predicate(titles)) throw new Error(`popup rows not as expected: ${JSON.stringify(titles)}`);
        return titles;
      },
      { interval: 100, ...options },
    );
  }

  /** Clicks "Sync now" (a real pointer click) and waits for the outcome the popup reports. */
  async syncNow({ timeout = 40_000 } = {}): Promise<string> {
    await this.tab.evaluate(() => {
      delete document.body.dataset.lastSync;
    }, null);
    await this.tab.click('button', 'Sync now');
    return eventually(
      async () => {
        const outcome = await this.tab.evaluate(() => document.body.dataset.lastSync ?? null, null);
        if (outcome === null) throw new Error('the popup has not reported the sync outcome yet');
        return outcome;
      },
      { timeout, interval: 100 },
    );
  }

  close(): Promise<void> {
    return this.tab.close();
  }

  private async waitUntilLoaded(timeout = 5_000): Promise<void> {
    try {
      await eventually(
        async () => {
          const loaded = await this.tab.evaluate(() => document.body?.dataset.loaded ?? null, null);
          if (loaded !== 'true') throw new Error('body[data-loaded] is not "true" yet');
        },
        { timeout, interval: 50 },
      );
    } catch (error) {
      const status = await this.statusText().catch(() => '(unreadable)');
      throw new Error(`The popup did not finish loading; its status line says: ${status}`, { cause: error });
    }
  }
}
