import { randomUUID } from 'node:crypto';
import type { BackgroundStatus } from '../../../../entrypoints/background';
import type { StoredLogEntry } from '../../../../src/store/log-entry';
import type { E2eBrowser, E2ePopup, E2eTab, StorageArea } from '../e2e-browser';
import { eventually } from '../eventually';
import { makeTempDir, removeDir } from '../temp-dir';
import { withTimeout } from '../with-timeout';
import { BidiConnection } from './bidi-connection';
import { callInContext } from './bidi-script';
import { requireFirefoxBuild, type FirefoxBuild } from './firefox-build';
import { FirefoxPopup } from './firefox-popup';
import { FirefoxTab } from './firefox-tab';
import { launchFirefox, QUIET_PREFS, writeUserPrefs, type RunningFirefox } from './launch-firefox';
import {
  getStorageInPage,
  readBackgroundStatus,
  readLogInPage,
  setStorageInPage,
  settleCaptureInPage,
  syncNowByMessage,
} from './page-functions';

/** Firefox's own default: an MV3 event page is suspended after 30 s without events. */
const IDLE_TIMEOUT_MS = 30_000;

export interface FirefoxLaunchOptions {
  /** The unpacked add-on; default `.output/firefox-mv3`. */
  extensionDir?: string;
  /**
   * `extensions.background.idle.timeout`: how long the event page may stay idle before
   * Firefox suspends it. Default Firefox's own, 30 s.
   */
  idleTimeoutMs?: number;
}

/**
 * Debian's `firefox-esr` with the built add-on on a fresh temporary profile, background ready.
 * Always `close()` it: that ends Firefox and deletes the profile.
 */
export async function launchFirefoxExtensionBrowser(options: FirefoxLaunchOptions = {}): Promise<FirefoxExtensionBrowser> {
  const build = requireFirefoxBuild(options.extensionDir);
  const profileDir = await makeTempDir('activity-logger-e2e-firefox');
  const browser = new FirefoxExtensionBrowser(build, profileDir, randomUUID());
  try {
    await writeUserPrefs(profileDir, {
      ...QUIET_PREFS,
      // The add-on's internal UUID, pinned: its pages are moz-extension://<uuid>/..., and a
      // reinstall after a restart gets the same origin (so the same storage and IndexedDB).
      'extensions.webextensions.uuids': JSON.stringify({ [build.geckoId]: browser.uuid }),
      'extensions.background.idle.timeout': options.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
    });
    await browser.start();
    return browser;
  } catch (error) {
    await browser.close();
    throw error;
  }
}

interface Running {
  firefox: RunningFirefox;
  connection: BidiConnection;
  /** The tab Firefox opened at start: tests navigate here, it stays the active tab. */
  mainTab: FirefoxTab;
  /**
   * A background tab with one of the add-on's pages: it has the add-on's origin, so it reads
   * IndexedDB and storage and talks to the background as the popup does. The background's
   * own globals are reached through `browser.extension.getBackgroundPage()` (null while the
   * event page is suspended).
   */
  probe: FirefoxTab;
  /** The browser window's chrome-scope context (needs `--remote-allow-system-access`). */
  chrome: string;
}

/**
 * The add-on in Firefox, driven over WebDriver BiDi with no driver binary: the same
 * operations as the Chromium harness (`E2eBrowser`), with these Firefox specifics:
 * - it is installed as a temporary add-on (`webExtension.install`), which Firefox forgets on
 *   quit: `restart()` installs it again into the same profile, where its data still is;
 * - the background is an event page, not a service worker;
 * - the headless window reports focused but `document.hasFocus()` is false in its pages.
 */
export class FirefoxExtensionBrowser implements E2eBrowser {
  readonly name = 'firefox' as const;
  private current?: Running;

  /** @internal use `launchFirefoxExtensionBrowser()` */
  constructor(
    private readonly build: FirefoxBuild,
    readonly profileDir: string,
    /** The add-on's internal UUID, pinned in the profile. */
    readonly uuid: string,
  ) {}

  /** `moz-extension://<uuid>/<path>` */
  extensionUrl(path: string): string {
    return `moz-extension://${this.uuid}/${path}`;
  }

  async visit(url: string): Promise<E2eTab> {
    const { mainTab } = this.running();
    await mainTab.activate();
    await mainTab.goto(url);
    return mainTab;
  }

  async openBackgroundTab(url: string): Promise<E2eTab> {
    const tab = await FirefoxTab.create(this.running().connection, { background: true });
    await tab.goto(url);
    return tab;
  }

  /** The popup's page in a background tab (a real popup would not switch tabs either). */
  async openPopup(): Promise<E2ePopup> {
    const tab = await FirefoxTab.create(this.running().connection, { background: true });
    return FirefoxPopup.open(tab, this.extensionUrl('popup.html'));
  }

  openExtensionPage(path: string): Promise<E2eTab> {
    return this.openBackgroundTab(this.extensionUrl(path));
  }

  async readLog(): Promise<StoredLogEntry[]> {
    return (await this.running().probe.evaluate(readLogInPage, null)) as StoredLogEntry[];
  }

  /**
   * `capture.settled()` of the running event page. A suspended page has no signal in hand
   * (a delivered signal would have woken it), so there is nothing to wait for.
   */
  settleCapture(): Promise<void> {
    const settle = this.running().probe.evaluate(settleCaptureInPage, null);
    return withTimeout(settle, 5_000, 'capture.settled() in the event page');
  }

  /** The popup's `{ type: 'syncNow' }` message: it wakes a suspended event page. */
  syncNow(): Promise<string> {
    const run = this.running().probe.evaluate(syncNowByMessage, null);
    return withTimeout(run, 45_000, 'syncNow message to the event page');
  }

  async setStorage(items: Record<string, unknown>, area: StorageArea = 'local'): Promise<void> {
    await this.running().probe.evaluate(setStorageInPage, { items, area });
  }

  getStorage(keys: string | string[], area: StorageArea = 'local'): Promise<Record<string, unknown>> {
    return this.running().probe.evaluate(getStorageInPage, { keys, area });
  }

  backgroundStatus(): Promise<Pick<BackgroundStatus, 'ready' | 'lastError'> | undefined> {
    return this.running().probe.evaluate(readBackgroundStatus, null);
  }

  /**
   * What Firefox itself says about the event page: `extension.backgroundState` in the parent
   * process (`stopped`, `starting`, `running`, `suspending`) — the state about:debugging shows.
   */
  backgroundState(): Promise<string | undefined> {
    const { connection, chrome } = this.running();
    return callInContext(
      connection,
      chrome,
      (id) => {
        const policy = (globalThis as unknown as { WebExtensionPolicy: { getByID(id: string): { extension?: { backgroundState?: string } } | null } })
          .WebExtensionPolicy.getByID(id);
        return policy?.extension?.backgroundState;
      },
      this.build.geckoId,
    );
  }

  /**
   * Suspends the event page the way Firefox does when it is idle, and resolves once Firefox
   * reports it `stopped` (`backgroundState()`; `getBackgroundPage()` in its pages is null then
   * too). It calls `extension.terminateBackground()` in the parent process: the call Firefox's
   * idle timer makes when `extensions.background.idle.timeout` runs out (and about:debugging's
   * "Terminate background script"), with the same checks — a listener still busy postpones it
   * once, so it is called again until the page is stopped. Shortening the pref while Firefox
   * runs is not enough: an armed idle timer only re-reads it when it fires.
   * Suspension runs `runtime.onSuspend` and discards the page and everything in its memory.
   */
  async suspendBackground({ timeout = 10_000 } = {}): Promise<void> {
    const { connection, chrome } = this.running();
    await eventually(
      async () => {
        const state = await callInContext(
          connection,
          chrome,
          async (id) => {
            type Extension = { backgroundState?: string; terminateBackground(): Promise<void> };
            const scope = globalThis as unknown as { WebExtensionPolicy: { getByID(id: string): { extension?: Extension } | null } };
            const extension = scope.WebExtensionPolicy.getByID(id)?.extension;
            if (!extension) throw new Error(`${id} is not installed`);
            if (extension.backgroundState === 'running') await extension.terminateBackground();
            return extension.backgroundState;
          },
          this.build.geckoId,
        );
        if (state !== 'stopped') throw new Error(`the event page is ${state}, not stopped`);
        // Checked inside the retry: an event still on its way (a navigation's, a storage
        // change's) can start the page again right after the stop — seen in CI on a loaded
        // machine — and then it is suspended again, as Firefox's idle timer would.
        const stillThere = await this.backgroundStatus();
        if (stillThere !== undefined) throw new Error('Firefox says stopped, but getBackgroundPage() still answers');
      },
      { timeout, interval: 100 },
    );
  }

  /**
   * Quits Firefox (BiDi `browser.close`, a normal shutdown that flushes the profile) and starts
   * it again on the same profile. The temporary add-on is gone after a quit, so it is
   * installed again with the same gecko id; the pinned UUID gives it the same origin, and its
   * storage.local and IndexedDB are found where they were.
   */
  async restart(): Promise<void> {
    await this.shutDown();
    await this.start();
  }

  async close(): Promise<void> {
    try {
      await this.shutDown();
    } finally {
      await removeDir(this.profileDir);
    }
  }

  /** @internal */
  async start(): Promise<void> {
    if (this.current) throw new Error('Firefox is already running');
    const firefox = await launchFirefox(this.profileDir);
    let connection: BidiConnection | undefined;
    try {
      connection = await BidiConnection.connect(`${firefox.webSocketUrl}/session`);
      await connection.send('session.new', { capabilities: {} });
      const { contexts } = await connection.send<{ contexts: { context: string }[] }>('browsingContext.getTree', { maxDepth: 0 });
      const mainTab = new FirefoxTab(connection, contexts[0]!.context);
      const chromeTree = await connection.send<{ contexts: { context: string }[] }>('browsingContext.getTree', {
        maxDepth: 0,
        'moz:scope': 'chrome',
      });
      const chrome = chromeTree.contexts[0]?.context;
      if (!chrome) throw new Error('no chrome-scope context: is --remote-allow-system-access set?');

      const installed = await connection.send<{ extension: string }>('webExtension.install', {
        extensionData: { type: 'path', path: this.build.dir },
      });
      if (installed.extension !== this.build.geckoId) {
        throw new Error(`installed ${installed.extension}, expected ${this.build.geckoId}`);
      }
      const probe = await FirefoxTab.create(connection, { background: true });
      await probe.goto(this.extensionUrl('popup.html'));
      this.current = { firefox, connection, mainTab, probe, chrome };
      await this.waitForBackgroundReady();
    } catch (error) {
      this.current = undefined;
      connection?.close();
      firefox.process.kill('SIGKILL');
      await firefox.exited;
      throw error;
    }
  }

  private async waitForBackgroundReady(timeout = 10_000): Promise<void> {
    await eventually(
      async () => {
        const status = await this.backgroundStatus();
        if (status?.ready !== true) throw new Error(`background not ready: activityLogger is ${JSON.stringify(status)}`);
      },
      { timeout, interval: 50 },
    );
  }

  private async shutDown(): Promise<void> {
    const running = this.current;
    this.current = undefined;
    if (!running) return;
    const { firefox, connection } = running;
    try {
      await connection.send('browser.close', {}, { timeout: 10_000 });
    } catch {
      // Firefox may drop the socket before it answers; the exit below is what counts.
    }
    connection.close();
    const exited = await Promise.race([firefox.exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 15_000))]);
    if (exited === 'timeout') {
      firefox.process.kill('SIGKILL');
      await firefox.exited;
    }
  }

  private running(): Running {
    if (!this.current) throw new Error('Firefox is not running (closed, or a restart failed)');
    return this.current;
  }
}
