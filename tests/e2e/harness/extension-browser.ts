import type { BrowserContext, Page, Worker } from 'playwright-core';
import { crashBrowser } from './crash-browser';
import { requireChromeBuild, type ExtensionBuild } from './extension-build';
import { extensionIdOf, findExtensionWorker, waitForBackgroundReady } from './extension-worker';
import { launchChromiumWithExtension } from './launch-chromium';
import { PopupPage } from './popup-page';
import { stopServiceWorker } from './stop-service-worker';
import { makeTempDir, removeDir } from './temp-dir';

export interface LaunchOptions {
  /** The unpacked build to load; default `.output/chrome-mv3`. */
  extensionDir?: string;
  /** An X display (`:N`, see x-display.ts): headful there instead of headless. */
  display?: string;
  /**
   * Prepares the empty profile before the first start (e.g. `mountSmallDisk`); what it returns
   * runs after the browser is closed for good, before the profile is deleted.
   */
  prepareProfile?: (profileDir: string) => Promise<(() => Promise<void>) | void>;
}

/**
 * Launches Chromium with the built extension on a fresh temporary profile and resolves once
 * the background is ready to record. Always `close()` it (in `afterEach`/`afterAll`): that
 * ends the browser and deletes the profile, even after a failed launch or restart.
 */
export async function launchExtensionBrowser(
  options: LaunchOptions = {},
): Promise<ExtensionBrowser> {
  const build = requireChromeBuild(options.extensionDir);
  const profileDir = await makeTempDir('activity-logger-e2e-profile');
  const browser = new ExtensionBrowser(build, profileDir, options.display);
  try {
    const cleanUp = await options.prepareProfile?.(profileDir);
    if (cleanUp) browser.beforeRemovingProfile = cleanUp;
    await browser.start();
    return browser;
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** One Chromium with the extension, on a profile that survives `restart()`. */
export class ExtensionBrowser {
  private current?: { context: BrowserContext; worker: Worker; extensionId: string };
  /** @internal set by `launchExtensionBrowser` from `prepareProfile` */
  beforeRemovingProfile?: () => Promise<void>;

  /** @internal use `launchExtensionBrowser()` */
  constructor(
    private readonly build: ExtensionBuild,
    readonly profileDir: string,
    private readonly display?: string,
  ) {}

  get context(): BrowserContext {
    return this.running().context;
  }

  /**
   * The background service worker. The handle outlives a CDP stop (the restarted worker
   * answers it), but not `restart()`: read it again afterwards.
   */
  get worker(): Worker {
    return this.running().worker;
  }

  get extensionId(): string {
    return this.running().extensionId;
  }

  /**
   * The tab Chromium opened at launch. Tests navigate here, so one tab stays active the whole
   * time and extension pages (the popup) never take its place.
   */
  get mainTab(): Page {
    const tab = this.context.pages().find((page) => !page.url().startsWith('chrome-extension:'));
    if (!tab) throw new Error('No web tab open: was the launch tab closed?');
    return tab;
  }

  /**
   * Navigates the main tab to `url` as a user would (a top-frame navigation in the active tab
   * of the focused window) and waits for the page's load event. The main tab is brought to
   * the front first so the page is "seen" by the capture rules (docs/design.md §3).
   */
  async visit(url: string): Promise<Page> {
    const tab = this.mainTab;
    await tab.bringToFront();
    await tab.goto(url);
    return tab;
  }

  /** Opens the popup in a background tab (see `PopupPage.open`). */
  openPopup(options?: Parameters<typeof PopupPage.open>[2]): Promise<PopupPage> {
    return PopupPage.open(this.context, this.extensionId, options);
  }

  /** Stops the service worker as Chrome does when idle; the next event restarts it. */
  stopServiceWorker(): Promise<void> {
    return stopServiceWorker(this.context, this.extensionId, { viaPage: this.mainTab });
  }

  /**
   * Closes the browser and starts it again on the same profile, like a user quitting and
   * reopening Chrome (`crash`: killed instead, as by a crash), and waits for the background
   * to be ready. Pages, popups and the worker
   * handle from before are gone; IndexedDB, storage and the extension id remain.
   */
  async restart({ whileClosed, crash = false }: { whileClosed?: () => Promise<void>; crash?: boolean } = {}): Promise<void> {
    const before = this.extensionId;
    if (crash) {
      // Killed rather than closed: Chromium writes nothing more (see `crashBrowser`).
      const running = this.running();
      this.current = undefined;
      await crashBrowser(running.context, this.profileDir);
    } else {
      await this.shutDown();
    }
    // E.g. edit the closed profile's Preferences, as no automation API can.
    await whileClosed?.();
    await this.start();
    if (this.extensionId !== before) {
      throw new Error(`Extension id changed across restart: ${before} → ${this.extensionId}`);
    }
  }

  /** Ends the browser and deletes the profile. Safe to call twice, or after a failed start. */
  async close(): Promise<void> {
    try {
      await this.shutDown();
    } finally {
      try {
        await this.beforeRemovingProfile?.();
      } finally {
        this.beforeRemovingProfile = undefined;
        await removeDir(this.profileDir);
      }
    }
  }

  /** @internal */
  async start(): Promise<void> {
    if (this.current) throw new Error('The browser is already running');
    const context = await launchChromiumWithExtension(this.profileDir, this.build.dir, { display: this.display });
    try {
      const worker = await findExtensionWorker(context, this.build.serviceWorkerFile);
      await waitForBackgroundReady(worker);
      this.current = { context, worker, extensionId: extensionIdOf(worker) };
    } catch (error) {
      await context.close().catch(() => {});
      throw error;
    }
  }

  private async shutDown(): Promise<void> {
    const running = this.current;
    this.current = undefined;
    // A graceful close lets Chromium flush the profile (IndexedDB included) before exiting.
    await running?.context.close();
  }

  private running() {
    if (!this.current) throw new Error('The browser is not running (closed, or a restart failed)');
    return this.current;
  }
}
