// Popup first paint — today's summary and the list rendered — in real Chromium with 1,000 and
// with 100,000 events stored (and their daily totals).
// The popup opens as a page (browser-testing.md: the real popup window is not drivable); the
// figure is the popup's own `performance.now()` when its list is in the DOM, i.e. from the
// start of the navigation — HTML, script, opening IndexedDB, reading and rendering the rows.
// The median of several openings is printed; nothing passes or fails on time.
// The seeded logs are kept between runs of the same day (bench/seeded-log.ts);
// `BENCH_BASELINE=<chrome-mv3 dir>` measures a second build in the same run, its openings
// interleaved with this one's.
import type { BrowserContext } from 'playwright-core';
import { seedFillerLog } from '../tests/e2e/harness/seed-log';
import { waitForBody } from '../tests/e2e/harness/popup-page';
import { dayKey } from '../src/store/local-day';
import { benchBuilds, launchOnSeededLog, type SeededLog } from './seeded-log';

const SIZES = [1_000, 100_000];
const OPENINGS = Number(process.env.POPUP_OPENINGS ?? 15);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** One opening: the popup's first paint, the summary and the list both on screen. */
async function open(context: BrowserContext, url: string): Promise<number> {
  const page = await context.newPage();
  await page.goto(url);
  const ms = Number(await waitForBody(page, 'listRenderedMs'));
  const summaryMs = Number(await waitForBody(page, 'summaryRenderedMs'));
  if ((await page.locator('#summary-sites > li').count()) === 0) throw new Error('the popup rendered no summary');
  const rows = await page.locator('#log > li').count();
  if (rows === 0) throw new Error('the popup rendered no rows');
  // Let the status line's count finish: IndexedDB would otherwise still be busy with it
  // when the next opening starts, which a real popup (opened once) never meets.
  await waitForBody(page, 'loaded', 'true');
  await page.close();
  return Math.max(ms, summaryMs);
}

interface Result {
  median: number;
  min: number;
  max: number;
}

/**
 * One warm-up opening per build (the first also compiles the script), then the measured
 * ones, the builds taking turns and the order alternating.
 */
async function measure(logs: SeededLog[]): Promise<Result[]> {
  const urls = logs.map((log) => `chrome-extension://${log.browser.extensionId}/popup.html`);
  for (const [at, log] of logs.entries()) await open(log.browser.context, urls[at]!);
  const times = logs.map((): number[] => []);
  for (let i = 0; i < OPENINGS; i++) {
    const order = logs.map((_, at) => at);
    if (i % 2 === 1) order.reverse();
    for (const at of order) times[at]!.push(await open(logs[at]!.browser.context, urls[at]!));
  }
  return times.map((values) => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) }));
}

const builds = benchBuilds();
const today = dayKey(Date.now());
const results = new Map<string, Map<number, Result>>(builds.map((build) => [build.name, new Map()]));
for (const size of SIZES) {
  const logs: SeededLog[] = [];
  try {
    // One after the other: the first seeds (when no log of today is kept), the others copy it.
    for (const build of builds) {
      logs.push(await launchOnSeededLog(build, 'popup', `${size} filler views ending on ${today}\n${seedFillerLog}`, (page) => seedFillerLog(page, size, Date.now())));
    }
    const measured = await measure(logs);
    measured.forEach((result, at) => {
      const build = builds[at]!;
      results.get(build.name)!.set(size, result);
      console.log(
        `popup open${builds.length > 1 ? ` [${build.name}]` : ''}, ${size.toLocaleString('en-US')} events stored: summary and list rendered after ${result.median.toFixed(1)} ms ` +
          `(median of ${OPENINGS}; min ${result.min.toFixed(1)}, max ${result.max.toFixed(1)})`,
      );
    });
  } finally {
    for (const log of logs) await log.browser.close();
  }
}
for (const [name, bySize] of results) {
  const small = bySize.get(SIZES[0]!)!.median;
  const large = bySize.get(SIZES[1]!)!.median;
  console.log(`popup open${builds.length > 1 ? ` [${name}]` : ''}: 100k / 1k ratio ${(large / small).toFixed(2)}`);
}
