import type { Page } from 'playwright-core';
import type { BackgroundStatus } from '../../../entrypoints/background';
import type { StoredLogEntry } from '../../../src/store/log-entry';
import type { EventuallyOptions } from './eventually';
import { launchExtensionBrowser, type ExtensionBrowser } from './extension-browser';
import { getExtensionStorage, setExtensionStorage } from './extension-storage';
import { readBackgroundStatus } from './extension-worker';
import type { PopupRow } from './popup-page';
import { openBackgroundTab } from './background-tab';
import { captureSettled, readLog } from './read-log';
import { withTimeout } from './with-timeout';

/**
 * One interface for the end-to-end tests, whatever the browser: a test file written against
 * `E2eBrowser` runs in Chromium and in Firefox with `describe.each(E2E_BROWSERS)`.
 * Chromium wraps the Playwright harness (`ExtensionBrowser`); Firefox is driven over WebDriver
 * BiDi (`firefox/`).
 */
export type BrowserName = 'chromium' | 'firefox';

const ALL_BROWSERS: readonly BrowserName[] = ['chromium', 'firefox'];

/**
 * The browsers the end-to-end suite runs in: both, or those named in `E2E_BROWSERS`
 * (comma-separated, e.g. `E2E_BROWSERS=firefox npm run test:e2e`).
 */
export const E2E_BROWSERS: BrowserName[] = (() => {
  const wanted = process.env.E2E_BROWSERS?.split(',').map((name) => name.trim()).filter(Boolean);
  if (!wanted || wanted.length === 0) return [...ALL_BROWSERS];
  const unknown = wanted.filter((name) => !ALL_BROWSERS.includes(name as BrowserName));
  if (unknown.length > 0) throw new Error(`E2E_BROWSERS: unknown browser(s) ${unknown.join(', ')}; use ${ALL_BROWSERS.join(', ')}`);
  return wanted as BrowserName[];
})();

export type ElementRole = 'button' | 'link';
export type StorageArea = 'local' | 'session';

/** A tab with a web page, driven as a user would. */
export interface E2eTab {
  /** Navigates (a top-frame navigation) and waits for the load event. */
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /** Clicks the one element with this role and exact accessible name. */
  click(role: ElementRole, name: string): Promise<void>;
  /** Replaces the value of the one form field labelled `label` (a text, URL or password box). */
  fill(label: string, text: string): Promise<void>;
  /**
   * Types `text` into the one form field labelled `label`, key by key with `delayMs` between
   * keystrokes, as a person types (the page sees each key's events and input).
   */
  type(label: string, text: string, options?: { delayMs?: number }): Promise<void>;
  /** The value of the one form field labelled `label`. */
  inputValue(label: string): Promise<string>;
  /**
   * Waits until the tab shows exactly `url` and its document has loaded (a same-document
   * change — pushState, a fragment — counts at once).
   */
  waitForUrl(url: string, options?: EventuallyOptions): Promise<void>;
  url(): Promise<string>;
  title(): Promise<string>;
  /** Makes this the active tab (fires `tabs.onActivated`). */
  activate(): Promise<void>;
  close(): Promise<void>;
  /** Runs `fn(arg)` in the page (plain data in and out; `fn` must be self-contained). */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}

/** The popup (docs/design.md §7), opened as a background tab in both browsers. */
export interface E2ePopup {
  rows(): Promise<string[]>;
  rowDetails(): Promise<PopupRow[]>;
  statusText(): Promise<string>;
  reload(): Promise<void>;
  waitForRows(predicate: (titles: string[]) => boolean, options?: EventuallyOptions): Promise<string[]>;
  /** Clicks "Sync now" and resolves to the outcome the popup reports (`body[data-last-sync]`). */
  syncNow(options?: { timeout?: number }): Promise<string>;
  close(): Promise<void>;
}

/** The built extension in a real browser on a profile that survives `restart()`. */
export interface E2eBrowser {
  readonly name: BrowserName;
  /** The active tab, navigated to `url` as a user would (a page the capture rules "see"). */
  visit(url: string): Promise<E2eTab>;
  /** A new tab loading `url` that does not become active. */
  openBackgroundTab(url: string): Promise<E2eTab>;
  /** One of the extension's own pages (`options.html`, `popup.html`) in a background tab. */
  openExtensionPage(path: string): Promise<E2eTab>;
  openPopup(): Promise<E2ePopup>;
  /** Every record of the durable log (IndexedDB `activity-log`), in recording order. */
  readLog(): Promise<StoredLogEntry[]>;
  /** Resolves once the background has handled every browser signal it has received so far. */
  settleCapture(): Promise<void>;
  /** `sync.syncNow({ force: true })` in the background; resolves to the outcome (`done`, `failed`…). */
  syncNow(): Promise<string>;
  setStorage(items: Record<string, unknown>, area?: StorageArea): Promise<void>;
  getStorage(keys: string | string[], area?: StorageArea): Promise<Record<string, unknown>>;
  /**
   * `ready` and `lastError` of the running background; `undefined` while it is not running
   * (Firefox: suspended). Does not wake it in Firefox; in Chromium a stopped worker is woken.
   */
  backgroundStatus(): Promise<Pick<BackgroundStatus, 'ready' | 'lastError'> | undefined>;
  /**
   * Stops the background as the browser does when it is idle, and resolves once it is stopped:
   * Chromium's service worker through CDP; Firefox's event page through its own idle timeout
   * (see firefox/firefox-extension-browser.ts). The next event wakes it.
   */
  suspendBackground(): Promise<void>;
  /** Quits and starts the browser again on the same profile; resolves once the background is ready. */
  restart(): Promise<void>;
  /** Ends the browser and deletes the profile. Safe to call twice. */
  close(): Promise<void>;
}

/** Launches `name` with the built extension on a fresh profile, background ready. */
export async function launchE2eBrowser(name: BrowserName): Promise<E2eBrowser> {
  if (name === 'chromium') return new ChromiumE2eBrowser(await launchExtensionBrowser());
  // Loaded on demand: a Chromium-only run never touches the BiDi client.
  const { launchFirefoxExtensionBrowser } = await import('./firefox/firefox-extension-browser');
  return launchFirefoxExtensionBrowser();
}

/** `E2eBrowser` over the Playwright harness; `native` is there for Chromium-only checks. */
export class ChromiumE2eBrowser implements E2eBrowser {
  readonly name = 'chromium' as const;

  constructor(readonly native: ExtensionBrowser) {}

  async visit(url: string): Promise<E2eTab> {
    return new ChromiumTab(await this.native.visit(url));
  }

  async openBackgroundTab(url: string): Promise<E2eTab> {
    return new ChromiumTab(await openBackgroundTab(this.native.context, url));
  }

  openExtensionPage(path: string): Promise<E2eTab> {
    return this.openBackgroundTab(`chrome-extension://${this.native.extensionId}/${path}`);
  }

  openPopup(): Promise<E2ePopup> {
    return this.native.openPopup();
  }

  readLog(): Promise<StoredLogEntry[]> {
    return readLog(this.native.worker);
  }

  settleCapture(): Promise<void> {
    return captureSettled(this.native.worker);
  }

  syncNow(): Promise<string> {
    const run = this.native.worker.evaluate(async () => {
      const status = (globalThis as { activityLogger?: BackgroundStatus }).activityLogger;
      if (!status?.sync) throw new Error('self.activityLogger.sync is not set');
      return (await status.sync.syncNow({ force: true })).outcome;
    });
    return withTimeout(run, 45_000, 'sync.syncNow() in the service worker');
  }

  setStorage(items: Record<string, unknown>, area: StorageArea = 'local'): Promise<void> {
    return setExtensionStorage(this.native.worker, items, area);
  }

  getStorage(keys: string | string[], area: StorageArea = 'local'): Promise<Record<string, unknown>> {
    return getExtensionStorage(this.native.worker, keys, area);
  }

  async backgroundStatus() {
    const status = await readBackgroundStatus(this.native.worker, { timeout: 5_000 });
    return status && { ready: status.ready, lastError: status.lastError };
  }

  suspendBackground(): Promise<void> {
    return this.native.stopServiceWorker();
  }

  restart(): Promise<void> {
    return this.native.restart();
  }

  close(): Promise<void> {
    return this.native.close();
  }
}

class ChromiumTab implements E2eTab {
  constructor(readonly page: Page) {}

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
  }

  async reload(): Promise<void> {
    await this.page.reload();
  }

  click(role: ElementRole, name: string): Promise<void> {
    return this.page.getByRole(role, { name, exact: true }).click();
  }

  fill(label: string, text: string): Promise<void> {
    return this.page.getByLabel(label, { exact: true }).fill(text);
  }

  type(label: string, text: string, { delayMs = 0 } = {}): Promise<void> {
    return this.page.getByLabel(label, { exact: true }).pressSequentially(text, { delay: delayMs });
  }

  inputValue(label: string): Promise<string> {
    return this.page.getByLabel(label, { exact: true }).inputValue();
  }

  waitForUrl(url: string, { timeout = 5_000 }: EventuallyOptions = {}): Promise<void> {
    return this.page.waitForURL(url, { timeout, waitUntil: 'load' });
  }

  async url(): Promise<string> {
    return this.page.url();
  }

  title(): Promise<string> {
    return this.page.title();
  }

  activate(): Promise<void> {
    return this.page.bringToFront();
  }

  close(): Promise<void> {
    return this.page.close();
  }

  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    const evaluate = this.page.evaluate.bind(this.page) as (fn: unknown, arg: unknown) => Promise<R>;
    return evaluate(fn, arg);
  }
}
