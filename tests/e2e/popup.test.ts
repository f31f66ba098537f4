import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCollector } from '../../collector/start';
import { ActivityBatchSchema, RecordedEventSchema } from '../../src/model/activity-event';
import {
  CHROME_BUILD_DIR,
  captureSettled,
  eventually,
  getExtensionStorage,
  launchExtensionBrowser,
  makeTempDir,
  readLog,
  removeDir,
  setExtensionStorage,
  startTestPageServer,
  type ExtensionBrowser,
  type TestPageServer,
} from './harness';
import { seedFillerLog, seedLog, type SeedEntry } from './harness/seed-log';
import { FIREFOX_BUILD_DIR } from './harness/firefox/firefox-build';

// The popup (docs/design.md §7, issue 5) in Chromium with the built extension: what navigations
// became, search over the whole log, pause and resume, export, delete, and the badge.

let server: TestPageServer;
let browser: ExtensionBrowser | undefined;

beforeAll(async () => {
  server = await startTestPageServer();
});
afterEach(async () => {
  await browser?.close();
  browser = undefined;
});
afterAll(async () => {
  await server?.close();
});

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);
let seeded = 0;
/** A record as the log stores it, on any host, for what real navigations cannot make here. */
function seedEntry(url: string, title: string, more: Partial<SeedEntry> = {}): SeedEntry {
  seeded++;
  const at = T0 + seeded * 60_000;
  return {
    event: {
      id: `0192f1c2-7a10-7cde-8f00-${String(seeded).padStart(12, '0')}`,
      action: 'VIEW',
      timestamp: new Date(at).toISOString(),
      url,
      params: { title, duration: 30 },
    },
    state: 'pending',
    host: new URL(url).hostname,
    recordedAt: at,
    attempts: 0,
    ...more,
  };
}

/**
 * The page names behind popup rows: a row shows the page's title, or its URL while the title
 * is not known yet (docs/design.md §7), depending on how far capture got.
 */
function pageNames(rows: string[]): string[] {
  return rows.map((row) => {
    const match = /\/page\/([^/?#]+)$/.exec(row);
    return row.startsWith(server.origin) && match ? decodeURIComponent(match[1]!) : row;
  });
}

async function visitAll(names: string[]): Promise<void> {
  for (const name of names) await browser!.visit(server.pageUrl(name));
  // The first settings read after a start waits for Chromium's policy service (seconds).
  await captureSettled(browser!.worker, { timeout: 20_000 });
}

describe('the popup in Chromium', () => {
  it('lists the navigations newest first, a view once with its duration, and the status line', async () => {
    browser = await launchExtensionBrowser();
    await visitAll(['alpha', 'beta', 'gamma']);
    const popup = await browser.openPopup();
    expect(pageNames(await popup.waitForRows((titles) => titles.length === 3))).toEqual(['gamma', 'beta', 'alpha']);

    const details = await popup.rowDetails();
    // alpha's view ended when beta began: its start and completion are one row, with the time.
    expect(details[2]!.details).toMatch(new RegExp(`^127\\.0\\.0\\.1 · View · .+ · \\d+s · pending$`));
    // gamma is still open: no duration yet.
    expect(details[0]!.details).toMatch(/^127\.0\.0\.1 · View · [^·]+ · pending$/);
    expect(await popup.page.locator('time').first().getAttribute('title')).toMatch(/\d{1,2}:\d{2}:\d{2}/);
    expect(await popup.statusText()).toMatch(/^Logging on · \d+ pending · sync off$/);
  });

  it('searches the whole log by title and URL, beyond the rows on screen, with paging', async () => {
    browser = await launchExtensionBrowser();
    await visitAll(['needle-page', 'hay']);
    const popup = await browser.openPopup();
    // 300 newer records bury the visited pages far below the first page of the list.
    await seedFillerLog(popup.page, 300, Date.now());
    await seedLog(popup.page, Array.from({ length: 70 }, (_, i) => seedEntry(`https://wiki.example.com/needles/${i}`, `Wiki ${i}`)));
    await popup.reload();
    expect(pageNames(await popup.rows())).not.toContain('needle-page');

    // By title: the one visited page, found under 370 newer records.
    expect(pageNames(await popup.search('NEEDLE-PA'))).toEqual(['needle-page']);
    // By URL: 70 wiki pages and the visited one (its URL has /needle in it), paged.
    const firstPage = await popup.search('needle');
    expect(firstPage).toHaveLength(60);
    expect(firstPage[0]).toBe('Wiki 69');
    const all = await popup.showMore();
    expect(all).toHaveLength(71);
    expect(pageNames(all).at(-1)).toBe('needle-page');
    expect(await popup.page.getByRole('button', { name: 'Show more' }).isHidden()).toBe(true);
    expect(await popup.search('no such thing')).toEqual([]);
    expect(await popup.page.locator('#empty').innerText()).toBe('Nothing in the log matches “no such thing”.');
    // Clearing the search shows the newest records again.
    expect((await popup.search('')).slice(0, 2)).toEqual(['Wiki 69', 'Wiki 68']);
  });

  it('"Pause" stops recording and "Resume" restarts it; a pause can last one hour', async () => {
    browser = await launchExtensionBrowser();
    await visitAll(['before-pause']);
    const popup = await browser.openPopup();
    await popup.pause('until resumed');
    expect(await popup.statusText()).toMatch(/^Paused · /);
    expect(await getExtensionStorage(browser.worker, 'pause')).toEqual({ pause: { until: null } });

    const pausedAt = Date.now();
    await visitAll(['while-paused-1', 'while-paused-2']);
    const resumedAt = Date.now();
    await popup.resume();
    expect(await popup.statusText()).toMatch(/^Logging on · /);
    await visitAll(['after-resume']);

    const titles = await popup.waitForRows((rows) => pageNames(rows).includes('after-resume'));
    // Nothing of the paused time: the page read only while paused is not there, and the one
    // open when "Resume" was pressed counts from then on (it is seen from that moment).
    expect(pageNames(titles)).not.toContain('while-paused-1');
    expect(pageNames(titles).filter((name) => name !== 'while-paused-2')).toEqual(['after-resume', 'before-pause']);
    const log = await readLog(browser.worker);
    for (const { event } of log) {
      const began = Date.parse(event.timestamp);
      expect(began < pausedAt || began >= resumedAt, `${event.url} began at ${event.timestamp}, while paused`).toBe(true);
    }

    const before = Date.now();
    await popup.pause('for 1 hour');
    const { pause } = (await getExtensionStorage(browser.worker, 'pause')) as { pause: { until: number } };
    expect(pause.until).toBeGreaterThanOrEqual(before + 3_600_000 - 1_000);
    expect(pause.until).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect(await popup.statusText()).toMatch(/^Paused until .+ · /);
  });

  it('exports JSON, NDJSON and CSV files whose content is the log', async () => {
    browser = await launchExtensionBrowser();
    await visitAll(['first, "quoted"', 'second']);
    const popup = await browser.openPopup();
    await popup.waitForRows((titles) => titles.length === 2);
    const log = await readLog(browser.worker);
    expect(log.length).toBeGreaterThanOrEqual(3);

    const json = await popup.export('JSON (wire format)');
    expect(json.fileName).toMatch(/^activity-log-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.json$/);
    const batch = ActivityBatchSchema.parse(JSON.parse(json.text));
    expect(batch.events).toEqual(log.map((entry) => entry.event));
    for (const event of batch.events) RecordedEventSchema.parse(event);

    const ndjson = await popup.export('NDJSON');
    expect(ndjson.fileName).toMatch(/\.ndjson$/);
    expect(ndjson.text.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual(log.map((entry) => entry.event));

    const csv = await popup.export('CSV');
    expect(csv.fileName).toMatch(/\.csv$/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^id,action,timestamp,url,title,/);
    expect(lines).toHaveLength(log.length + 1);
    for (const [i, entry] of log.entries()) expect(lines[i + 1]!.startsWith(`${entry.event.id},VIEW,`)).toBe(true);
    // A title with a comma and quotes is quoted as RFC 4180 asks (once capture has the title).
    if (log.some((entry) => entry.event.params?.title === 'first, "quoted"')) {
      expect(csv.text).toContain(',"first, ""quoted""",');
    }

    // The daily summary: the completed views of the site, on today's row.
    const summary = await popup.export('Daily summary (CSV)');
    expect(summary.fileName).toMatch(/^activity-summary-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.csv$/);
    const completed = log.filter((entry) => entry.event.params?.duration !== undefined);
    const today = await popup.page.evaluate(() => new Date().toLocaleDateString('sv'));
    const seconds = completed.reduce((sum, entry) => sum + entry.event.params!.duration!, 0);
    expect(summary.text.trimEnd().split('\r\n')).toEqual(['day,site,seconds,views', `${today},127.0.0.1,${seconds},${completed.length}`]);
  });

  it('deletes one row, a site after confirming, everything after confirming; the badge follows', async () => {
    // Sync on, to a server that is down for an hour (503 + Retry-After): one failure, no
    // retries during the test, so the badge shows the pending count (not the `!` of
    // repeated failures).
    const down = createServer((request, response) => {
      response.writeHead(request.method === 'OPTIONS' ? 204 : 503, {
        'Retry-After': '3600',
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Expose-Headers': 'Retry-After',
      });
      response.end();
    });
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const port = (down.address() as AddressInfo).port;
    browser = await launchExtensionBrowser();
    await setExtensionStorage(browser.worker, { settings: { endpointUrl: `http://127.0.0.1:${port}/rest/api/v1/activity` } });
    const popup = await browser.openPopup();
    await seedLog(popup.page, [
      seedEntry('https://a.example/1', 'A one'),
      seedEntry('https://a.example/2', 'A two'),
      seedEntry('https://b.example/1', 'B one'),
      seedEntry('https://b.example/2', 'B two'),
    ]);
    await popup.reload();
    expect(await popup.rows()).toEqual(['B two', 'B one', 'A two', 'A one']);
    const badge = () => browser!.worker.evaluate(() => chrome.action.getBadgeText({}));

    await popup.deleteRow('B one');
    expect(await popup.rows()).toEqual(['B two', 'A two', 'A one']);
    expect((await readLog(browser.worker)).map((e) => e.event.params?.title)).toEqual(['A one', 'A two', 'B two']);
    await eventually(async () => expect(await badge()).toBe('3'));

    await popup.deleteSite('a.example', 'Cancel');
    expect(popup.lastConfirmation).toBe('Delete everything recorded on a.example? This cannot be undone.');
    expect(await readLog(browser.worker)).toHaveLength(3);
    await popup.deleteSite('a.example', 'Delete');
    expect(await popup.rows()).toEqual(['B two']);
    expect((await readLog(browser.worker)).map((e) => e.host)).toEqual(['b.example']);
    await eventually(async () => expect(await badge()).toBe('1'));

    await popup.deleteAll('Cancel');
    expect(await readLog(browser.worker)).toHaveLength(1);
    await popup.deleteAll('Delete everything');
    expect(await popup.rows()).toEqual([]);
    expect(await readLog(browser.worker)).toEqual([]);
    expect(await popup.page.locator('#empty').innerText()).toBe('Nothing recorded yet. Pages you read appear here.');
    await eventually(async () => expect(await badge()).toBe(''));
    down.close();
  });

  it("marks rejected rows with the server's message", async () => {
    browser = await launchExtensionBrowser();
    const popup = await browser.openPopup();
    await seedLog(popup.page, [
      seedEntry('https://a.example/ok', 'Accepted page', { state: 'sent' }),
      seedEntry('https://a.example/bad', 'Refused page', { state: 'rejected', lastError: 'HTTP 400: params.title: too long' }),
    ]);
    await popup.reload();
    const details = await popup.rowDetails();
    expect(details.map((row) => row.details.split(' · ').at(-1))).toEqual(['rejected', 'sent']);
    expect(await popup.row('Refused page').locator('.rejection').innerText()).toBe('Refused by the server: HTTP 400: params.title: too long');
  });

  it('shows "the server refuses our events" when every request is refused alike, and keeps the events pending', async () => {
    const dir = await makeTempDir('activity-logger-e2e-refusing');
    const collector = await startCollector({ port: 0, dbFile: join(dir, 'events.sqlite'), token: 'refuse-token' });
    try {
      // A proxy in front of the server answering 400 to every batch with events in it.
      collector.setInterceptor(({ events }) => (events.length > 0 ? { respond: { status: 400, body: { error: 'Bad Request' } } } : undefined));
      browser = await launchExtensionBrowser();
      const popup = await browser.openPopup();
      await seedLog(popup.page, Array.from({ length: 6 }, (_, i) => seedEntry(`https://a.example/kept-${i}`, `Kept ${i}`)));
      await setExtensionStorage(browser.worker, { settings: { endpointUrl: collector.activityUrl }, apiToken: 'refuse-token' });
      await popup.reload();
      expect(await popup.syncNow()).toBe('refusing');
      expect(await popup.page.locator('#notice').innerText()).toBe('The server refuses our events; nothing was rejected. See the status above.');
      await eventually(async () => expect(await popup.statusText()).toContain('sync stopped: the server refuses our events: HTTP 400: Bad Request'));
      expect((await readLog(browser.worker)).map((entry) => entry.state)).toEqual(Array(6).fill('pending'));
      expect(await browser.worker.evaluate(() => chrome.action.getBadgeText({}))).toBe('!');
      // Fixed at the server: "Sync now" sends them all.
      collector.setInterceptor(undefined);
      expect(await popup.syncNow()).toBe('done');
      expect(collector.store.count()).toBe(6);
    } finally {
      await collector.close();
      await removeDir(dir);
    }
  });

  it('"Retry rejected" puts rejected events back to pending and sends them once the server takes them', async () => {
    const dir = await makeTempDir('activity-logger-e2e-retry');
    const collector = await startCollector({ port: 0, dbFile: join(dir, 'events.sqlite'), token: 'retry-token' });
    try {
      browser = await launchExtensionBrowser();
      const popup = await browser.openPopup();
      const retryButton = popup.page.getByRole('button', { name: 'Retry rejected' });
      expect(await retryButton.isVisible()).toBe(false);
      const refused = seedEntry('https://a.example/refused', 'Refused yesterday', { state: 'rejected', lastError: 'HTTP 400: host not indexed' });
      await seedLog(popup.page, [refused]);
      await setExtensionStorage(browser.worker, { settings: { endpointUrl: collector.activityUrl }, apiToken: 'retry-token' });
      await popup.reload();
      await eventually(async () => expect(await retryButton.isVisible()).toBe(true));
      expect(await popup.retryRejected()).toBe('done');
      expect(await popup.page.locator('#notice').innerText()).toBe('Sync done: 1 sent.');
      expect(collector.store.all().map((stored) => stored.event.id)).toEqual([refused.event.id]);
      expect((await readLog(browser.worker)).map((entry) => entry.state)).toEqual(['sent']);
      expect(await retryButton.isVisible()).toBe(false);
      expect((await popup.rowDetails()).map((row) => row.details.split(' · ').at(-1))).toEqual(['sent']);
    } finally {
      await collector.close();
      await removeDir(dir);
    }
  });
});

describe('the built popup', () => {
  // A module script runs only once every stylesheet of its page has loaded (docs/design.md §7).
  it.each([
    ['Chromium', CHROME_BUILD_DIR],
    ['Firefox', FIREFOX_BUILD_DIR],
  ])('in %s carries its stylesheet inline: no stylesheet file before the first paint', (_browser, dir) => {
    const html = readFileSync(join(dir, 'popup.html'), 'utf8');
    expect(html).not.toMatch(/<link[^>]*rel="stylesheet"/);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1]);
    expect(styles).toHaveLength(1);
    expect(styles[0]).toMatch(/\.log-row\s*\{/);
    expect(styles[0]).toMatch(/prefers-color-scheme:\s*dark/);
  });
});

declare const chrome: { action: { getBadgeText(details: object): Promise<string> } };
