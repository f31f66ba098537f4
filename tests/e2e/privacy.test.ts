import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Worker } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { URL_CASES } from '../fixtures/hostile-inputs';
import {
  allowExtensionInIncognito,
  captureSettled,
  CHROME_BUILD_DIR,
  E2E_BROWSERS,
  eventually,
  extensionIdOf,
  findExtensionWorker,
  launchChromiumWithExtension,
  launchE2eBrowser,
  launchExtensionBrowser,
  makeTempDir,
  readLog,
  removeDir,
  requireChromeBuild,
  waitForBackgroundReady,
  type E2eBrowser,
  type ExtensionBrowser,
} from './harness';

// Privacy in real browsers with the built extension (docs/design.md §3, §6): what is recorded of
// hostile URLs, the deny list, private windows, and a hostile title in the popup.

/**
 * Pages on 127.0.0.1 for any path: the title comes from `?title=` when given (as HTML text,
 * escaped), else it is the path. Every request is remembered, so a test can tell that the
 * browser really loaded a page of which the extension recorded nothing.
 */
interface HostileServer {
  host: string;
  origin: string;
  requests: string[];
  close(): Promise<void>;
}

async function startHostileServer(): Promise<HostileServer> {
  const requests: string[] = [];
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const url = new URL(request.url ?? '/', 'http://localhost');
    const title = url.searchParams.get('title') ?? url.pathname;
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(`<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><p>page</p></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let server: HostileServer;
let browser: ExtensionBrowser | undefined;

beforeAll(async () => {
  server = await startHostileServer();
});
afterEach(async () => {
  await browser?.close();
  browser = undefined;
});
afterAll(async () => {
  await server?.close();
});

const urlsOf = async (worker: Worker) => (await readLog(worker)).map((entry) => entry.event.url);

// Chromium only: Firefox asks the user before it opens a URL with credentials in it.
describe('credentials in a URL, in Chromium', () => {
  it('records http://user:pass@127.0.0.1:PORT/p?token=abc&q=1#frag as http://127.0.0.1:PORT/p?q=1, and nothing of the secrets', async () => {
    browser = await launchExtensionBrowser();
    await browser.visit(`http://user:pass@${server.host}/p?token=abc&q=1#frag`);
    const log = await eventually(
      async () => {
        const entries = await readLog(browser!.worker);
        expect(entries.map((entry) => entry.event.url)).toEqual([`${server.origin}/p?q=1`]);
        return entries;
      },
      { timeout: 15_000 },
    );
    // Not in the title (Chromium first shows the raw URL as the title) nor anywhere else.
    await browser.visit(`${server.origin}/next`);
    await captureSettled(browser.worker);
    const entries = await readLog(browser.worker);
    const stored = JSON.stringify(entries);
    for (const secret of ['user', 'pass', 'token', 'abc', 'frag']) expect(stored).not.toContain(secret);
    // The start carries the title if the page's <title> was parsed by then; the completion does.
    expect([{ truncated: true }, { truncated: true, title: '/p' }]).toContainEqual(log[0]!.event.params);
    expect(entries.find((entry) => entry.event.params?.duration !== undefined)?.event.params?.title).toBe('/p');
  });

});

// The same definitions in every browser of E2E_BROWSERS.
describe.each(E2E_BROWSERS)('hostile URLs and the deny list in %s', (browserName) => {
  let e2e: E2eBrowser | undefined;
  afterEach(async () => {
    await e2e?.close();
    e2e = undefined;
  });

  /** Settings change through storage.onChanged, which reaches the background a moment later. */
  async function applySettingsTo(target: E2eBrowser, settings: object): Promise<void> {
    await target.setStorage({ settings });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await target.settleCapture();
  }
  const urlsIn = async (target: E2eBrowser) => (await target.readLog()).map((entry) => entry.event.url);

  // A sample of the hostile corpus (the cases marked `e2e`), each visited with its settings.
  const sample = URL_CASES.filter((c) => c.e2e);
  it(`records exactly the expected URL for ${sample.length} corpus cases`, async () => {
    expect(sample.length).toBeGreaterThanOrEqual(12);
    e2e = await launchE2eBrowser(browserName);
    const local = (text: string) => text.split('127.0.0.1:8080').join(server.host);
    const outcomes: { url: string; recorded: string[] }[] = [];
    for (const [i, c] of sample.entries()) {
      const options = JSON.parse(local(JSON.stringify(c.options ?? {}))) as object;
      const before = (await e2e.readLog()).length;
      await applySettingsTo(e2e, options);
      await e2e.visit(local(c.url));
      await e2e.settleCapture();
      // Away to a page never recorded, then back to the defaults before the marker page.
      await e2e.visit('about:blank');
      await e2e.settleCapture();
      await applySettingsTo(e2e, {});
      const marker = `${server.origin}/marker-${i}`;
      await e2e.visit(marker);
      const entries = await eventually(async () => {
        const urls = (await urlsIn(e2e!)).slice(before);
        expect(urls).toContain(marker);
        return urls;
      });
      outcomes.push({ url: c.url, recorded: entries.filter((url) => !url.includes('/marker-')) });
    }
    expect(outcomes).toEqual(
      sample.map((c) => ({ url: c.url, recorded: c.expected === null ? [] : [local(c.expected), local(c.expected)] })),
    );
    expect((await e2e.backgroundStatus())?.lastError).toBeUndefined();
  });

  it('records nothing of a denied host, and the allowed host next to it as usual', async () => {
    e2e = await launchE2eBrowser(browserName);
    const port = server.host.split(':')[1];
    await applySettingsTo(e2e, { denyList: ['localhost'] });
    const requestsBefore = server.requests.length;
    await e2e.visit(`http://localhost:${port}/denied?title=Denied`);
    await e2e.visit(`${server.origin}/allowed`);
    await eventually(async () => expect(await urlsIn(e2e!)).toEqual([`${server.origin}/allowed`]), { timeout: 15_000 });
    // The denied page was really loaded; and it is not even the referrer of the next.
    expect(server.requests.slice(requestsBefore)).toContain('/denied?title=Denied');
    expect(JSON.stringify(await e2e.readLog())).not.toContain('localhost');
  });
});

describe('a hostile title in the popup', () => {
  it('shows <img src=x onerror=alert(1)> as text, and runs nothing', async () => {
    browser = await launchExtensionBrowser();
    const title = '<img src=x onerror=alert(1)>';
    await browser.visit(`${server.origin}/xss?title=${encodeURIComponent(title)}`);
    // The title is known once the page has parsed it: the view's completion carries it.
    await browser.visit(`${server.origin}/after-xss`);
    await eventually(
      async () => {
        const titles = (await readLog(browser!.worker)).map((entry) => entry.event.params?.title);
        expect(titles).toContain(title);
      },
      { timeout: 15_000 },
    );
    const popup = await browser.openPopup();
    const dialogs: string[] = [];
    popup.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await popup.waitForRows((titles) => titles.includes(title));
    await popup.reload();
    expect(await popup.rows()).toContain(title);
    expect(await popup.list.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });
});

describe('private windows in Chromium', () => {
  // A private window is visible to an extension only once the user allowed it in incognito
  // (chrome://extensions); by default it is not. Both are checked here. What headless Chromium
  // cannot show: window focus moves erratically when a window opens (browser-testing.md), so a
  // page in a private window is not reliably "seen" even when it should be recorded; that
  // "Log private windows" on records it is proven by the capture machine's unit scenario.
  let context: BrowserContext | undefined;
  let profileDir: string | undefined;
  afterEach(async () => {
    await context?.close().catch(() => {});
    context = undefined;
    if (profileDir) await removeDir(profileDir);
    profileDir = undefined;
  });

  async function launch(): Promise<Worker> {
    const build = requireChromeBuild();
    context = await launchChromiumWithExtension(profileDir!, build.dir);
    const worker = await findExtensionWorker(context, build.serviceWorkerFile);
    await waitForBackgroundReady(worker);
    return worker;
  }

  type ChromeForTest = {
    windows: { create(options: object): Promise<unknown> };
    tabs: { query(options: object): Promise<{ url?: string; incognito: boolean }[]> };
  };

  /**
   * Opens a private window showing `path` (from the worker: Playwright cannot open one on a
   * persistent profile), waits until the server saw the request, and returns the private tabs
   * the extension can see.
   */
  async function visitPrivately(worker: Worker, path: string): Promise<string[]> {
    const before = server.requests.length;
    await worker.evaluate(async (url) => {
      const chrome = (globalThis as unknown as { chrome: ChromeForTest }).chrome;
      await chrome.windows.create({ incognito: true, focused: true, url });
    }, `${server.origin}${path}`);
    await eventually(() => expect(server.requests.slice(before)).toContain(path));
    const privateTabs = () =>
      worker.evaluate(async () => {
        const chrome = (globalThis as unknown as { chrome: ChromeForTest }).chrome;
        const tabs = await chrome.tabs.query({});
        return tabs.filter((tab) => tab.incognito).map((tab) => tab.url ?? '');
      });
    // The server answering is not the tab committing: on a loaded machine a private tab the
    // extension sees still has no URL ('') for a while. Wait until each one it sees committed.
    await eventually(async () => expect((await privateTabs()).filter((url) => url === '')).toEqual([]));
    // Give the extension the time it takes to record a page, then let it finish.
    await worker.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
    await captureSettled(worker);
    return privateTabs();
  }

  it('records nothing from a private window: not seen by default, seen but not recorded once allowed in incognito', async () => {
    profileDir = await makeTempDir('activity-logger-e2e-incognito');
    let worker = await launch();
    const extensionId = extensionIdOf(worker);

    expect(await visitPrivately(worker, '/private-not-allowed')).toEqual([]);
    expect(await urlsOf(worker)).toEqual([]);

    await context!.close();
    await allowExtensionInIncognito(profileDir, extensionId);
    worker = await launch();
    // The same browser records a normal page (before the private window takes the focus):
    // the empty log below is not a broken extension.
    const page = context!.pages().find((candidate) => !candidate.url().startsWith('chrome-extension:'))!;
    await page.bringToFront();
    await page.goto(`${server.origin}/normal`);
    await eventually(async () => expect(await urlsOf(worker)).toEqual([`${server.origin}/normal`]), { timeout: 15_000 });

    const seen = await visitPrivately(worker, '/private-allowed');
    expect(seen).toContain(`${server.origin}/private-allowed`);
    expect((await urlsOf(worker)).filter((url) => url.includes('private'))).toEqual([]);
  });
});

describe('the built extension', () => {
  it('holds no eval: no Function constructor in any script', () => {
    const dir = CHROME_BUILD_DIR;
    const scripts: string[] = [];
    const walk = (path: string) => {
      for (const entry of readdirSync(path, { withFileTypes: true })) {
        const full = join(path, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.js')) scripts.push(full);
      }
    };
    walk(dir);
    expect(scripts.length).toBeGreaterThan(0);
    const offenders = scripts.filter((file) => /(?<![\w$.])Function(?![\w$.])|\beval\s*\(/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
