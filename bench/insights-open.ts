// The Insights page (docs/design.md §7a) rendered — its range read from the daily aggregates
// and its total, charts, sites and searches in the DOM; the pages table follows and is timed
// too — in real Chromium, with 1,000 and with 1,000,000
// events stored over one 30-day month, with the aggregates the append path keeps of them.
// The figure is the page's own `performance.now()` when the range is on screen
// (`body[data-insights-rendered-ms]`), i.e. from the start of the navigation. Median of
// several openings after a warm-up; nothing passes or fails on time. With `--breakdown`, the
// page's performance marks (`insights:*`, builds that have them) say where the time went.
//
// The seeded log is kept between runs (bench/seeded-log.ts): the first run at 1,000,000
// events seeds for minutes, the next ones copy it in seconds. `BENCH_BASELINE=<chrome-mv3
// dir>` measures a second build in the same run, its openings interleaved with this one's.
//   npx tsx bench/insights-open.ts [--breakdown] [events…]
import type { Page } from 'playwright-core';
import { waitForBody } from '../tests/e2e/harness/popup-page';
import { benchBuilds, launchOnSeededLog, type BenchBuild, type SeededLog } from './seeded-log';

const BREAKDOWN = process.argv.includes('--breakdown');
const SIZES = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (SIZES.length === 0) SIZES.push(1_000, 1_000_000);
const OPENINGS = Number(process.env.INSIGHTS_OPENINGS ?? 9);
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
 * Generated inside the page, written in transactions of 50,000.
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
      for (let start = 0; start < count; start += 50_000) {
        const tx = db.transaction(['events', 'counters', 'viewSpans', 'searches'], 'readwrite', { durability: 'relaxed' });
        const events = tx.objectStore('events');
        for (let i = start; i < Math.min(count, start + 50_000); i++) {
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
        // Seeded records are no appends: marked folded in the same transaction, the readers' fold
        // leaves them out of the totals (docs/design.md §4), which are seeded apart or not at all.
        const newest = tx.objectStore('events').openKeyCursor(null, 'prev');
        newest.onsuccess = () => {
          if (newest.result) tx.objectStore('counters').put(newest.result.key, 'aggregatesFoldedThrough');
        };
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

interface Opening {
  rendered: number;
  /** Of the read of the aggregates (from navigation start). */
  read: number;
  /** Of the pages table, filled after the first paint. */
  pages: number;
  rows: number;
  /** The page's own steps, from navigation start (`--breakdown`). */
  steps: Record<string, number>;
}

/** One opening of `url` in `page`: its figures once the pages table is there too. */
async function open(page: Page, url: string): Promise<Opening> {
  await page.goto(url);
  const rendered = Number(await waitForBody(page, 'insightsRenderedMs', undefined, 60_000));
  const rows = await page.locator('tbody tr').count();
  if (rows === 0) throw new Error(`the Insights page rendered no rows at ${url}`);
  const read = Number(await waitForBody(page, 'insightsReadMs'));
  const pages = Number(await waitForBody(page, 'insightsPagesMs', undefined, 60_000));
  const steps = BREAKDOWN
    ? await page.evaluate(() => {
        const found: Record<string, number> = {};
        const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
        if (navigation) {
          found['html received'] = navigation.responseEnd;
          found['DOM interactive'] = navigation.domInteractive;
        }
        for (const mark of performance.getEntriesByType('mark')) found[mark.name] ??= mark.startTime;
        return found;
      })
    : {};
  return { rendered, read, pages, rows, steps };
}

interface Summary {
  median: number;
  min: number;
  max: number;
  read: number;
  pages: number;
  rows: number;
  steps: [string, number][];
}

function summarise(openings: Opening[]): Summary {
  const rendered = openings.map((opening) => opening.rendered);
  const names = [...new Set(openings.flatMap((opening) => Object.keys(opening.steps)))];
  const steps = names
    .map((name): [string, number] => [name, median(openings.map((opening) => opening.steps[name]).filter((ms): ms is number => ms !== undefined))])
    .sort((a, b) => a[1] - b[1]);
  return {
    median: median(rendered),
    min: Math.min(...rendered),
    max: Math.max(...rendered),
    read: median(openings.map((opening) => opening.read)),
    pages: median(openings.map((opening) => opening.pages)),
    rows: openings.at(-1)!.rows,
    steps,
  };
}

/**
 * Opens `url` once in each browser as a warm-up (the first also compiles the script), then
 * `OPENINGS` times each, the browsers taking turns and the order alternating, so a change of
 * the machine's load hits every build alike.
 */
async function measure(pages: Page[], url: string): Promise<Summary[]> {
  for (const page of pages) await open(page, url);
  const openings = pages.map((): Opening[] => []);
  for (let i = 0; i < OPENINGS; i++) {
    const order = pages.map((_, at) => at);
    if (i % 2 === 1) order.reverse();
    for (const at of order) openings[at]!.push(await open(pages[at]!, url));
  }
  return openings.map(summarise);
}

function print(what: string, build: BenchBuild, builds: number, result: Summary): void {
  const who = builds > 1 ? ` [${build.name}]` : '';
  console.log(
    `insights open${who}, ${what} rendered after ${result.median.toFixed(1)} ms ` +
      `(median of ${OPENINGS}; min ${result.min.toFixed(1)}, max ${result.max.toFixed(1)}; aggregates read at ${result.read.toFixed(1)} ms; ` +
      `pages table at ${result.pages.toFixed(1)} ms; ${result.rows} table rows)`,
  );
  for (const [name, ms] of result.steps) console.log(`    ${ms.toFixed(1).padStart(8)} ms  ${name}`);
}

const { first, days } = thirtyDayMonth();
const firstDay = dayOf(first);
const startMs = first.getTime();
const endMs = new Date(first.getFullYear(), first.getMonth(), days + 1).getTime();
const busiestDay = dayOf(new Date(first.getFullYear(), first.getMonth(), 15));
const builds = benchBuilds();
const monthMedians = new Map<string, Map<number, number>>(builds.map((build) => [build.name, new Map()]));
for (const size of SIZES) {
  const launched: SeededLog[] = [];
  try {
    // One after the other: the first seeds (when no log is kept yet), the others copy it.
    for (const build of builds) {
      launched.push(await launchOnSeededLog(build, 'insights', `${size} events from ${firstDay}, ${days} days\n${seed}`, (page) => seed(page, size, startMs, endMs)));
    }
    const seeded = launched.find((log) => log.seededInSeconds !== null)?.seededInSeconds;
    const label = `${size.toLocaleString('en-US')} events (${days} days, ${seeded === undefined ? 'kept log' : `seeded in ${seeded} s`})`;
    const pages = await Promise.all(launched.map((log) => log.browser.context.newPage()));
    const base = (log: SeededLog) => `chrome-extension://${log.browser.extensionId}/insights.html`;
    const ids = new Set(launched.map((log) => log.browser.extensionId));
    if (ids.size !== 1) throw new Error(`the builds got different extension ids: ${[...ids].join(', ')}`);
    const month = await measure(pages, `${base(launched[0]!)}?range=month&day=${firstDay}`);
    month.forEach((result, at) => {
      monthMedians.get(builds[at]!.name)!.set(size, result.median);
      print(`${label}: month view`, builds[at]!, builds.length, result);
    });
    const day = await measure(pages, `${base(launched[0]!)}?range=day&day=${busiestDay}`);
    day.forEach((result, at) => print(`${label}: day view (${Math.round(size / days / 2).toLocaleString('en-US')} views that day)`, builds[at]!, builds.length, result));
  } finally {
    for (const log of launched) await log.browser.close();
  }
}
for (const [name, medians] of monthMedians) {
  if (medians.size !== 2) continue;
  const [small, large] = [...medians.values()];
  const who = builds.length > 1 ? ` [${name}]` : '';
  console.log(`insights open${who}: month view ratio ${SIZES[1]!.toLocaleString('en-US')} / ${SIZES[0]!.toLocaleString('en-US')} = ${(large! / small!).toFixed(2)}`);
}
