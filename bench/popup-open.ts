// Popup first paint — today's summary and the list rendered — in real Chromium with 1,000 and
// with 100,000 events stored (and their daily totals).
// The popup opens as a page (browser-testing.md: the real popup window is not drivable); the
// figure is the popup's own `performance.now()` when its list is in the DOM, i.e. from the
// start of the navigation — HTML, script, opening IndexedDB, reading and rendering the rows.
// The median of several openings is printed; nothing passes or fails on time.
import { launchExtensionBrowser } from '../tests/e2e/harness';
import { seedFillerLog } from '../tests/e2e/harness/seed-log';
import { waitForBody } from '../tests/e2e/harness/popup-page';

const SIZES = [1_000, 100_000];
const OPENINGS = 15;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function measure(size: number): Promise<{ median: number; min: number; max: number }> {
  const browser = await launchExtensionBrowser();
  try {
    const setup = await browser.openPopup();
    await seedFillerLog(setup.page, size, Date.now());
    await setup.close();
    const url = `chrome-extension://${browser.extensionId}/popup.html`;
    const times: number[] = [];
    // One warm-up opening (the first also compiles the script), then the measured ones.
    for (let i = 0; i <= OPENINGS; i++) {
      const page = await browser.context.newPage();
      await page.goto(url);
      const ms = Number(await waitForBody(page, 'listRenderedMs'));
      const summaryMs = Number(await waitForBody(page, 'summaryRenderedMs'));
      if ((await page.locator('#summary-sites > li').count()) === 0) throw new Error('the popup rendered no summary');
      const rows = await page.locator('#log > li').count();
      if (rows === 0) throw new Error('the popup rendered no rows');
      // First paint: the summary and the list are both on screen.
      if (i > 0) times.push(Math.max(ms, summaryMs));
      // Let the status line's count finish: IndexedDB would otherwise still be busy with it
      // when the next opening starts, which a real popup (opened once) never meets.
      await waitForBody(page, 'loaded', 'true');
      await page.close();
    }
    return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
  } finally {
    await browser.close();
  }
}

const results = new Map<number, { median: number; min: number; max: number }>();
for (const size of SIZES) {
  const result = await measure(size);
  results.set(size, result);
  console.log(
    `popup open, ${size.toLocaleString('en-US')} events stored: summary and list rendered after ${result.median.toFixed(1)} ms ` +
      `(median of ${OPENINGS}; min ${result.min.toFixed(1)}, max ${result.max.toFixed(1)})`,
  );
}
const small = results.get(SIZES[0]!)!.median;
const large = results.get(SIZES[1]!)!.median;
console.log(`popup open: 100k / 1k ratio ${(large / small).toFixed(2)}`);
