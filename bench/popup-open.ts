// Popup first paint — today's summary and the list rendered — in real Chromium with 1,000 and
// with 100,000 events stored (and their daily totals).
// The popup opens as a page (browser-testing.md: the real popup window is not drivable); the
// figure is the popup's own `performance.now()` when its list is in the DOM, i.e. from the
// start of the navigation — HTML, script, opening IndexedDB, reading and rendering the rows.
// The median of several openings is printed; nothing passes or fails on time.
// The seeded logs are kept between runs of the same day (bench/seeded-log.ts);
// `BENCH_BASELINE=<chrome-mv3 dir>[,<another>]` measures other builds in the same run, their
// openings interleaved with this one's, and prints this build's time over theirs.
// Each build's line is followed by where the time went: the median moment of each step, from
// the page's own timing entries and the popup's `popup:*` marks (src/ui/popup-first-paint.ts;
// an older build has only the page's entries and its list / summary attributes), and the
// floor: an empty extension page opened the same way in the same browser each round, so what
// the browser spends on any extension page is told apart from the popup's own time.
// Under load, compare the rounds' ratios and the time above the empty page; two copies of one
// build (an A/A run) show the run's noise.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

/**
 * Where an opening's time went, each a moment in ms from the start of the navigation: the
 * page's own timing entries (navigation, the scripts and stylesheet, the first paint) and the
 * popup's `popup:*` marks (src/ui/popup-first-paint.ts; a build without them has none).
 */
type Breakdown = Record<string, number>;

function readBreakdown(): Breakdown {
  const moments: Breakdown = {};
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  if (nav) {
    moments['html received'] = nav.responseEnd;
    moments['html parsed'] = nav.domInteractive;
    moments['DOMContentLoaded'] = nav.domContentLoadedEventEnd;
  }
  // No named inner functions: tsx would wrap them in a helper the page does not have.
  for (const file of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
    const kind = file.name.endsWith('.css') ? 'css loaded' : file.name.endsWith('.js') ? 'scripts loaded' : null;
    if (kind) moments[kind] = Math.max(moments[kind] ?? 0, file.responseEnd);
  }
  for (const paint of performance.getEntriesByType('paint')) moments[paint.name] = paint.startTime;
  for (const mark of performance.getEntriesByType('mark')) if (mark.name.startsWith('popup:')) moments[mark.name] = mark.startTime;
  return moments;
}

interface Opening {
  /** When the summary and the list were both on screen (the list alone for a build without a summary). */
  ms: number;
  breakdown: Breakdown;
}

/**
 * The floor under every opening: an empty extension page (no script, no style) written into
 * the loaded build, opened the same way. What the browser spends creating an extension page
 * (the navigation, the new document's script contexts) is in it; none of the popup's work is.
 */
const EMPTY_PAGE = 'bench-empty-page.html';

async function openEmptyPage(context: BrowserContext, url: string): Promise<number> {
  const page = await context.newPage();
  await page.goto(url);
  const ms = Number(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd));
  await page.close();
  return ms;
}

/** One opening: the popup's first paint, the summary and the list both on screen. */
async function open(context: BrowserContext, url: string): Promise<Opening> {
  const page = await context.newPage();
  await page.goto(url);
  const ms = Number(await waitForBody(page, 'listRenderedMs'));
  // A build from before the summary (a baseline) has no #summary: its list is the first paint.
  const hasSummary = (await page.locator('#summary').count()) > 0;
  const summaryMs = hasSummary ? Number(await waitForBody(page, 'summaryRenderedMs')) : 0;
  if (hasSummary && (await page.locator('#summary-sites > li').count()) === 0) throw new Error('the popup rendered no summary');
  const rows = await page.locator('#log > li').count();
  if (rows === 0) throw new Error('the popup rendered no rows');
  // Let the status line's count finish: IndexedDB would otherwise still be busy with it
  // when the next opening starts, which a real popup (opened once) never meets.
  await waitForBody(page, 'loaded', 'true');
  const breakdown = await page.evaluate(readBreakdown);
  await page.close();
  return { ms: Math.max(ms, summaryMs), breakdown: { ...breakdown, 'summary rendered': summaryMs, 'list rendered': ms } };
}

interface Result {
  median: number;
  min: number;
  max: number;
  /** The median of each moment, earliest first. */
  breakdown: [string, number][];
  /** Every opening's time, in the order of the rounds (one opening of each build a round). */
  times: number[];
  /** The empty page's median (see EMPTY_PAGE) and the popup's time above it (median of the rounds). */
  emptyPage: number;
  aboveEmptyPage: number;
}

function breakdownOf(openings: Opening[]): [string, number][] {
  const names = new Set(openings.flatMap((opening) => Object.keys(opening.breakdown)));
  return [...names]
    .map((name): [string, number] => [name, median(openings.map((opening) => opening.breakdown[name] ?? Number.NaN).filter((ms) => ms > 0))])
    .filter(([, ms]) => ms !== undefined)
    .sort((a, b) => a[1] - b[1]);
}

/**
 * One warm-up opening per build (the first also compiles the script), then the measured
 * ones, the builds taking turns and the order alternating.
 */
async function measure(logs: SeededLog[]): Promise<Result[]> {
  const base = logs.map((log) => `chrome-extension://${log.browser.extensionId}`);
  for (const log of logs) await writeFile(join(log.extensionDir, EMPTY_PAGE), '<!doctype html><title>empty</title>\n');
  for (const [at, log] of logs.entries()) {
    await open(log.browser.context, `${base[at]}/popup.html`);
    await openEmptyPage(log.browser.context, `${base[at]}/${EMPTY_PAGE}`);
  }
  const openings = logs.map((): Opening[] => []);
  const empty = logs.map((): number[] => []);
  for (let i = 0; i < OPENINGS; i++) {
    const order = logs.map((_, at) => at);
    if (i % 2 === 1) order.reverse();
    for (const at of order) {
      const { context } = logs[at]!.browser;
      empty[at]!.push(await openEmptyPage(context, `${base[at]}/${EMPTY_PAGE}`));
      openings[at]!.push(await open(context, `${base[at]}/popup.html`));
    }
  }
  return openings.map((measured, at) => {
    const values = measured.map((opening) => opening.ms);
    return {
      median: median(values),
      min: Math.min(...values),
      max: Math.max(...values),
      breakdown: breakdownOf(measured),
      times: values,
      emptyPage: median(empty[at]!),
      aboveEmptyPage: median(values.map((ms, round) => ms - empty[at]![round]!)),
    };
  });
}

/** "html parsed 63.5 (+55.0) · …": each moment and the time since the one before it. */
function describeBreakdown(moments: [string, number][]): string {
  return moments.map(([name, ms], at) => `${name} ${ms.toFixed(1)} (+${(ms - (moments[at - 1]?.[1] ?? 0)).toFixed(1)})`).join(' · ');
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
      console.log(`  an empty extension page in the same browser: ${result.emptyPage.toFixed(1)} ms; the popup above it: ${result.aboveEmptyPage.toFixed(1)} ms (median of the rounds)`);
      console.log(`  where it went (median ms from the navigation's start, +ms since the previous): ${describeBreakdown(result.breakdown)}`);
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
// Under load the machine's state drifts within a run: the ratio of each round's two openings
// (taken one right after the other) is steadier than the ratio of the two medians.
const ours = results.get(builds[0]!.name)!;
for (const build of builds.slice(1)) {
  const theirs = results.get(build.name)!;
  const ratios = SIZES.map((size) => {
    const paired = ours.get(size)!.times.map((ms, round) => ms / theirs.get(size)!.times[round]!);
    const above = `above the empty page ${ours.get(size)!.aboveEmptyPage.toFixed(1)} against ${theirs.get(size)!.aboveEmptyPage.toFixed(1)} ms`;
    return `${size.toLocaleString('en-US')}: ${(ours.get(size)!.median / theirs.get(size)!.median).toFixed(2)} (median of the rounds' ratios ${median(paired).toFixed(2)}; ${above})`;
  });
  console.log(`popup open, this build / ${build.name} (same run): ${ratios.join(', ')}`);
}
