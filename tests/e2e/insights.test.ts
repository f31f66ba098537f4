import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  E2E_BROWSERS,
  eventually,
  launchE2eBrowser,
  startTestPageServer,
  type E2eBrowser,
  type E2eTab,
  type TestPageServer,
} from './harness';

// Where my time went (issue 15), in every browser of E2E_BROWSERS: three sites read for known
// times, one of them twice; the popup's summary shows each site's time within a second of it,
// and "Delete site" takes a site out of the totals.

/** Three sites on three loopback addresses: a site is a host (docs/design.md §4). */
const HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
let servers: Server[] = [];
let end: TestPageServer;
let browser: E2eBrowser | undefined;

beforeAll(async () => {
  end = await startTestPageServer();
  servers = await Promise.all(
    HOSTS.map(
      (host) =>
        new Promise<Server>((resolve) => {
          const server = createServer((_, response) => {
            response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
            response.end(`<!doctype html><html lang="en"><head><title>Site ${host}</title></head><body>${host}</body></html>`);
          });
          server.listen(0, host, () => resolve(server));
        }),
    ),
  );
});
afterEach(async () => {
  await browser?.close();
  browser = undefined;
});
afterAll(async () => {
  await end?.close();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

const urlOf = (i: number) => `http://${HOSTS[i]}:${(servers[i]!.address() as { port: number }).port}/`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The summary's sites as the popup shows them: host → seconds (`data-seconds`). */
function summarySites(popup: E2eTab): Promise<Record<string, number>> {
  return popup.evaluate(
    () =>
      Object.fromEntries(
        [...document.querySelectorAll<HTMLElement>('#summary-sites > li')].map((item) => [item.dataset.host, Number(item.dataset.seconds)]),
      ),
    null,
  );
}

describe.each(E2E_BROWSERS)('the summary in %s', (browserName) => {
  it('shows today\'s time per site within a second of the dwell, and "Delete site" takes a site out', async () => {
    browser = await launchE2eBrowser(browserName);
    // Dwell 3 s, 5 s, 2 s, and the first site again for 3 s. A view records whole seconds
    // from its page's commit to the next one's (design.md §3): each page stays 0.4 s over its
    // dwell after loading, so the recorded seconds are the dwell even with a slow navigation.
    const plan: [number, number][] = [[0, 3], [1, 5], [2, 2], [0, 3]];
    const dwell = [0, 0, 0];
    for (const [site, seconds] of plan) {
      await browser.visit(urlOf(site));
      await sleep(seconds * 1000 + 400);
      dwell[site]! += seconds;
    }
    await browser.visit(end.pageUrl('the end'));
    await browser.settleCapture();

    const popup = await browser.openExtensionPage('popup.html');
    const shown = await eventually(
      async () => {
        const sites = await summarySites(popup);
        expect(Object.keys(sites).filter((host) => HOSTS.includes(host)).sort()).toEqual(HOSTS);
        return sites;
      },
      { timeout: 15_000 },
    );
    HOSTS.forEach((host, i) => expect(Math.abs(shown[host]! - dwell[i]!), `${host}: ${shown[host]} s shown, ${dwell[i]} s read`).toBeLessThanOrEqual(1));
    // And exactly what the log's completed views of the site add up to.
    const log = await browser.readLog();
    for (const host of HOSTS) {
      const recorded = log
        .filter((entry) => entry.host === host && entry.event.params?.duration !== undefined)
        .reduce((sum, entry) => sum + entry.event.params!.duration!, 0);
      expect(shown[host], host).toBe(recorded);
    }
    // The total is the sum of the sites (the end page's open view adds nothing yet).
    const total = await popup.evaluate(() => Number(document.getElementById('summary-total')!.dataset.seconds), null);
    expect(total).toBe(Object.values(shown).reduce((a, b) => a + b, 0));
    // The largest site first.
    expect(await popup.evaluate(() => document.querySelector<HTMLElement>('#summary-sites > li')!.dataset.host, null)).toBe(HOSTS[0]);

    // A site opens its pages in place.
    await popup.evaluate(() => document.querySelector<HTMLButtonElement>('#summary-sites > li .site-toggle')!.click(), null);
    await eventually(async () => {
      const pages = await popup.evaluate(() => [...document.querySelectorAll('#summary-sites > li:first-child .page-title')].map((p) => p.textContent), null);
      expect(pages).toEqual([`Site ${HOSTS[0]}`]);
    });

    // "Delete site" on a row of the second site, confirmed: gone from every total.
    await popup.evaluate((host) => {
      const row = [...document.querySelectorAll<HTMLElement>('.log-row')].find((item) => item.textContent!.includes(host))!;
      row.querySelector<HTMLButtonElement>('[data-row-action="delete-site"]')!.click();
    }, HOSTS[1]!);
    await eventually(() => popup.evaluate(() => (document.getElementById('confirm') as HTMLDialogElement).open || Promise.reject(new Error('no dialog')), null));
    await popup.evaluate(() => document.getElementById('confirm-yes')!.click(), null);
    await eventually(async () => {
      const sites = await summarySites(popup);
      expect(Object.keys(sites)).not.toContain(HOSTS[1]);
      expect(sites[HOSTS[0]!]).toBe(shown[HOSTS[0]!]);
      const total = await popup.evaluate(() => Number(document.getElementById('summary-total')!.dataset.seconds), null);
      expect(total).toBe(shown[HOSTS[0]!]! + shown[HOSTS[2]!]!);
    });
    // The 7 days say the same.
    await popup.click('button', 'Last 7 days');
    expect(Object.keys(await summarySites(popup)).sort()).toEqual([HOSTS[0], HOSTS[2]]);
  });
});
