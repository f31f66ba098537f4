// The Insights page (docs/design.md §7a) rendered — its range read from the daily aggregates
// and its total, charts, sites and searches in the DOM; the pages table follows and is timed
// too — in real Chromium, with 1,000 and with 1,000,000
// events stored over one 30-day month, with the aggregates the append path keeps of them.
// The figure is the page's own `performance.now()` when the range is on screen
// (`body[data-insights-rendered-ms]`), i.e. from the start of the navigation. Median of
// several openings after a warm-up; nothing passes or fails on time.
//   npx tsx bench/insights-open.ts [events…]
import type { Page } from 'playwright-core';
import { launchExtensionBrowser } from '../tests/e2e/harness';
import { waitForBody } from '../tests/e2e/harness/popup-page';

const SIZES = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (SIZES.length === 0) SIZES.push(1_000, 1_000_000);
const OPENINGS = 9;
const SITES = 40;
const PAGES_PER_SITE = 25;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const pad = (n: number) => String(n).padStart(2, '0');
const dayOf = (date: Date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

/** The latest calendar month of 30 days before this one: the month the log is filled over. */
function thirtyDayMonth(): { first: Date; days: number } {
  const now = new Date();
  for (let back = 1; ; back++) {
    const first = new Date(now.getFullYear(), now.getMonth() - back, 1);
    const days = new Date(first.getFullYear(), first.getMonth() + 1, 0).getDate();
    if (days === 30) return { first, days };
  }
}

/**
 * `count` events spread evenly over the month: every 20th a SEARCH, the rest views (a start
 * with `truncated`, then its completion with a duration), on 40 sites of 25 pages each; and
 * the aggregates the append path makes of them (siteDays, pageDays, viewSpans, searches).
 * Generated inside the page, written in transactions of 10,000.
 */
function seed(page: Page, count: number, startMs: number, endMs: number): Promise<void> {
  return page.evaluate(
    async ({ count, startMs, endMs, sites, pagesPerSite }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('activity-log');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      // No named helpers in here: tsx would wrap them in a `__name` call the page lacks.
      const siteDays = new Map<string, { day: string; host: string; seconds: number; views: number; searches: number }>();
      const pageDays = new Map<string, { day: string; url: string; host: string; title: string; seconds: number; views: number }>();
      const step = (endMs - startMs) / count;
      for (let start = 0; start < count; start += 10_000) {
        const tx = db.transaction(['events', 'viewSpans', 'searches'], 'readwrite');
        const events = tx.objectStore('events');
        for (let i = start; i < Math.min(count, start + 10_000); i++) {
          const at = Math.floor(startMs + i * step);
          const time = at.toString(16).padStart(12, '0');
          const id = `${time.slice(0, 8)}-${time.slice(8, 12)}-7000-8000-${i.toString(16).padStart(12, '0')}`;
          const date = new Date(at);
          const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
          const siteNo = Math.floor(i / 40) % sites;
          const host = `site-${siteNo}.example`;
          const siteKey = `${day} ${host}`;
          const site = siteDays.get(siteKey) ?? { day, host, seconds: 0, views: 0, searches: 0 };
          siteDays.set(siteKey, site);
          const state = i % 3 === 0 ? 'pending' : 'sent';
          if (i % 20 === 0) {
            const query = `query ${i % 997}`;
            const url = `https://${host}/search?q=${i % 997}`;
            events.add({ event: { id, action: 'SEARCH', timestamp: date.toISOString(), url, params: { query } }, state, host, recordedAt: at, attempts: 0 });
            tx.objectStore('searches').put({ day, id, host, url, query, at });
            site.searches++;
            continue;
          }
          const pageNo = Math.floor(i / 4) % pagesPerSite;
          const url = `https://${host}/page/${pageNo}`;
          const title = `Page ${pageNo} of site ${siteNo}`;
          if (i % 2 === 1) {
            events.add({ event: { id, action: 'VIEW', timestamp: date.toISOString(), url, params: { title, truncated: true } }, state, host, recordedAt: at, attempts: 0 });
            continue;
          }
          const seconds = 5;
          events.add({ event: { id, action: 'VIEW', timestamp: date.toISOString(), url, params: { title, duration: seconds } }, state, host, recordedAt: at, attempts: 0 });
          tx.objectStore('viewSpans').put({ day, id, host, url, title, start: at, seconds, views: 1 });
          site.seconds += seconds;
          site.views++;
          const pageKey = `${day} ${url}`;
          const pageDay = pageDays.get(pageKey) ?? { day, url, host, title, seconds: 0, views: 0 };
          pageDay.seconds += seconds;
          pageDay.views++;
          pageDays.set(pageKey, pageDay);
        }
        await new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        });
      }
      const tx = db.transaction(['siteDays', 'pageDays'], 'readwrite');
      for (const site of siteDays.values()) tx.objectStore('siteDays').put(site);
      for (const pageDay of pageDays.values()) tx.objectStore('pageDays').put(pageDay);
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { count, startMs, endMs, sites: SITES, pagesPerSite: PAGES_PER_SITE },
  );
}

interface Result {
  /** Of the read of the aggregates (from navigation start). */
  read: number;
  /** Of the pages table, filled after the first paint. */
  pages: number;
  median: number;
  min: number;
  max: number;
  rows: number;
}

async function measure(page: Page, url: string): Promise<Result> {
  const times: number[] = [];
  const reads: number[] = [];
  const pages: number[] = [];
  let rows = 0;
  for (let i = 0; i <= OPENINGS; i++) {
    await page.goto(url);
    const ms = Number(await waitForBody(page, 'insightsRenderedMs', undefined, 60_000));
    rows = await page.locator('tbody tr').count();
    if (rows === 0) throw new Error(`the Insights page rendered no rows at ${url}`);
    const read = Number(await waitForBody(page, 'insightsReadMs'));
    const pagesAt = Number(await waitForBody(page, 'insightsPagesMs', undefined, 60_000));
    if (i > 0) {
      times.push(ms);
      reads.push(read);
      pages.push(pagesAt);
    }
  }
  return { read: median(reads), pages: median(pages), median: median(times), min: Math.min(...times), max: Math.max(...times), rows };
}

const { first, days } = thirtyDayMonth();
const firstDay = dayOf(first);
const startMs = first.getTime();
const endMs = new Date(first.getFullYear(), first.getMonth(), days + 1).getTime();
const busiestDay = dayOf(new Date(first.getFullYear(), first.getMonth(), 15));
const monthMedians = new Map<number, number>();
for (const size of SIZES) {
  const browser = await launchExtensionBrowser();
  try {
    const setup = await browser.openPopup();
    const seeding = Date.now();
    await seed(setup.page, size, startMs, endMs);
    await setup.close();
    const seeded = ((Date.now() - seeding) / 1000).toFixed(0);
    const base = `chrome-extension://${browser.extensionId}/insights.html`;
    const page = await browser.context.newPage();
    const month = await measure(page, `${base}?range=month&day=${firstDay}`);
    monthMedians.set(size, month.median);
    const label = `${size.toLocaleString('en-US')} events (${days} days, seeded in ${seeded} s)`;
    console.log(
      `insights open, ${label}: month view rendered after ${month.median.toFixed(1)} ms ` +
        `(median of ${OPENINGS}; min ${month.min.toFixed(1)}, max ${month.max.toFixed(1)}; aggregates read at ${month.read.toFixed(1)} ms; pages table at ${month.pages.toFixed(1)} ms; ${month.rows} table rows)`,
    );
    const day = await measure(page, `${base}?range=day&day=${busiestDay}`);
    console.log(
      `insights open, ${label}: day view (${Math.round(size / days / 2).toLocaleString('en-US')} views that day) rendered after ` +
        `${day.median.toFixed(1)} ms (median of ${OPENINGS}; min ${day.min.toFixed(1)}, max ${day.max.toFixed(1)}; aggregates read at ${day.read.toFixed(1)} ms; pages table at ${day.pages.toFixed(1)} ms)`,
    );
  } finally {
    await browser.close();
  }
}
if (monthMedians.size === 2) {
  const [small, large] = [...monthMedians.values()];
  console.log(`insights open: month view ratio ${SIZES[1]!.toLocaleString('en-US')} / ${SIZES[0]!.toLocaleString('en-US')} = ${(large! / small!).toFixed(2)}`);
}
