import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredLogEntry } from '../../src/store/log-entry';
import {
  captureSettled,
  eventually,
  launchExtensionBrowser,
  mountSmallDisk,
  readLog,
  startTestPageServer,
  type ExtensionBrowser,
  type PopupPage,
  type SmallDisk,
  type TestPageServer,
} from './harness';

// Issue items 1 and 11 end to end, in Chromium (the only browser whose worker a test can stop
// at a chosen moment): a disk that fills up under the log (docs/design.md §4 "When a write
// fails"), a worker stopped before its first state save (docs/design.md §3), and a log the
// browser discarded (docs/design.md §4 "A log the browser discards"). One browser for all,
// on a profile whose IndexedDB lives on a small real filesystem.

declare const chrome: {
  action: { getBadgeText(details: object): Promise<string> };
  storage: { session: { remove(key: string): Promise<void>; get(key: string): Promise<Record<string, unknown>> } };
};

let server: TestPageServer;
let browser: ExtensionBrowser | undefined;
let disk: SmallDisk | undefined;

beforeAll(async () => {
  server = await startTestPageServer();
  browser = await launchExtensionBrowser({
    prepareProfile: async (profileDir) => {
      disk = await mountSmallDisk(profileDir);
      return () => disk!.unmount();
    },
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Starts and completions, in the log's order: `view /page/alpha`, `done /page/alpha`. */
function describeLog(log: StoredLogEntry[]): string[] {
  return log.map(({ event }) => `${event.params?.duration === undefined ? 'view' : 'done'} ${event.url.slice(server.origin.length)}`);
}

const settle = () => captureSettled(browser!.worker);

const badge = () => browser!.worker.evaluate(() => chrome.action.getBadgeText({}));

describe('the log on a disk that fills up, in chromium', () => {
  it('keeps what is recorded while the disk refuses it, says so in the popup and the badge, and writes it all once space returns', async () => {
    await browser!.visit(server.pageUrl('alpha'));
    await eventually(async () => expect(describeLog(await readLog(browser!.worker))).toEqual(['view /page/alpha']));

    await disk!.fill();
    let popup: PopupPage;
    try {
      await browser!.visit(server.pageUrl('beta'));
      await eventually(async () => expect(await badge()).toBe('!'), { timeout: 20_000 });
      // The worker stopped meanwhile (as Chrome stops an idle one): what waits is kept in
      // storage.session, and the next worker goes on with it.
      await browser!.stopServiceWorker();
      await browser!.visit(server.pageUrl('gamma'));
      await settle();
      // The full disk refuses the popup's reads too: it says why all the same.
      popup = await browser!.openPopup({ loaded: 'failed' });
      await eventually(async () =>
        // Chromium names the full disk only in the first failure's transaction, which may not
        // be capture's; capture sees its write aborted, then the log failing to open.
        expect(await popup.statusText()).toMatch(/^Not saved: The browser (refused to store more data \(disk full\?\)|could not write to the log: is the disk full\?).* — [1-9]\d* events wait/),
      );
      expect(await badge()).toBe('!');
    } finally {
      await disk!.free();
    }

    await browser!.visit(server.pageUrl('delta'));
    const expected = ['view /page/alpha', 'done /page/alpha', 'view /page/beta', 'done /page/beta', 'view /page/gamma', 'done /page/gamma', 'view /page/delta'];
    await eventually(
      async () => {
        await settle();
        expect(describeLog(await readLog(browser!.worker))).toEqual(expected);
      },
      { timeout: 20_000, interval: 250 },
    );
    // Each event once, under one id.
    const ids = (await readLog(browser!.worker)).map(({ event }) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The popup opened during the failure loads by itself once the log is back.
    await eventually(async () => expect(await popup.statusText()).toMatch(/^Logging on · \d+ pending/));
    // Its rows are read again after the status line: wait for them as for it.
    await eventually(async () => expect(await popup.rows()).toHaveLength(4));
    await eventually(async () => expect(await badge()).not.toBe('!'));
    await popup.page.close();
  });

  it('a worker stopped after the first navigation of a browser session, before its state was saved, makes no second view', async () => {
    await browser!.restart();
    const tab = await browser!.visit(server.pageUrl('first-after-restart'));
    await eventually(async () =>
      expect(describeLog(await readLog(browser!.worker)).slice(-1)).toEqual(['view /page/first-after-restart']),
    );
    // The state is saved ~100 ms after the last signal; a worker stopped inside that window
    // leaves none (issue item 11). The window is made certain here: the saved state is taken
    // away just before the stop, as such a worker leaves storage.session.
    await settle();
    await browser!.worker.evaluate(() => chrome.storage.session.remove('captureState'));
    await browser!.stopServiceWorker();
    // Woken by the same page (its title changes), not by the next navigation: the new worker
    // finds the page still in front.
    await tab.evaluate(() => {
      document.title = 'first, retitled';
    });
    await eventually(settle);
    await browser!.visit(server.pageUrl('next'));
    await eventually(
      async () => {
        await settle();
        const afterRestart = describeLog(await readLog(browser!.worker)).slice(-3);
        expect(afterRestart).toEqual(['view /page/first-after-restart', 'done /page/first-after-restart', 'view /page/next']);
      },
      { timeout: 15_000, interval: 250 },
    );
    const log = describeLog(await readLog(browser!.worker));
    expect(log.filter((line) => line.endsWith('/page/first-after-restart'))).toEqual([
      'view /page/first-after-restart',
      'done /page/first-after-restart',
    ]);
  });

  it('says in the popup and the badge that the browser discarded the log, and since when what was not sent is lost', async () => {
    await settle();
    expect((await readLog(browser!.worker)).length).toBeGreaterThan(0);
    // What Chromium does at its next start with a log a full disk tore and a kill left behind
    // (BENCHMARKS.md "Soak"): it deletes the database and hands out an empty one, no error.
    await browser!.restart({
      whileClosed: async () => {
        for (const name of await readdir(disk!.dir)) {
          if (name.startsWith('chrome-extension_')) await rm(join(disk!.dir, name), { recursive: true, force: true });
        }
      },
    });
    await eventually(async () => expect(await badge()).toBe('!'), { timeout: 15_000 });
    expect(await readLog(browser!.worker)).toEqual([]);
    const popup = await browser!.openPopup();
    await eventually(async () =>
      expect(await popup.statusText()).toMatch(/^The browser discarded the activity log \(.*\): what was recorded since .+ and not yet sent is lost · Logging on/),
    );
    await popup.page.close();
  });
});
