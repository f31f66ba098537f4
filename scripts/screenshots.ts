// Screenshots for the README: the popup with about twenty events, light and dark, the
// Insights page (a day and a week), light and dark, and the options page. Real Chromium with the built extension (`npm run build` first):
//   npx tsx scripts/screenshots.ts        → docs/screenshots/*.png
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchExtensionBrowser } from '../tests/e2e/harness';
import { OptionsPage } from '../tests/e2e/harness/options-page';
import { waitForBody } from '../tests/e2e/harness/popup-page';
import { sampleActivity, seedLog, seedSummary } from '../tests/e2e/harness/seed-log';

const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const browser = await launchExtensionBrowser();
  try {
    const setup = await browser.openPopup();
    // The morning's sample ends at 11:30 today, so the day has a timeline whatever the hour
    // the screenshots are made; yesterday and the day before fill the week's bars.
    const end = new Date().setHours(11, 30, 0, 0);
    const sample = [...sampleActivity(end - 2 * 86_400_000, 5 * 60_000), ...sampleActivity(end - 86_400_000, 7 * 60_000), ...sampleActivity(end)];
    await seedLog(setup.page, sample);
    await seedSummary(setup.page, sample);
    await setup.close();

    const popup = await browser.context.newPage();
    await popup.setViewportSize({ width: 440, height: 760 });
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await waitForBody(popup, 'loaded', 'true');
    for (const colorScheme of ['light', 'dark'] as const) {
      await popup.emulateMedia({ colorScheme });
      await popup.screenshot({ path: `${OUT}popup-${colorScheme}.png` });
    }
    await popup.emulateMedia({ colorScheme: 'light' });
    await popup.getByRole('searchbox', { name: 'Search' }).fill('wiki');
    await waitForBody(popup, 'search', 'wiki');
    await popup.getByRole('button', { name: 'Export' }).click();
    await popup.screenshot({ path: `${OUT}popup-search-export.png` });

    const insights = await browser.context.newPage();
    await insights.setViewportSize({ width: 1000, height: 1200 });
    for (const range of ['day', 'week'] as const) {
      await insights.goto(`chrome-extension://${browser.extensionId}/insights.html?range=${range}`);
      await waitForBody(insights, 'renders', '1');
      for (const colorScheme of ['light', 'dark'] as const) {
        await insights.emulateMedia({ colorScheme });
        await insights.screenshot({ path: `${OUT}insights-${range}-${colorScheme}.png` });
      }
      await insights.emulateMedia({ colorScheme: 'light' });
    }

    const options = await OptionsPage.open(browser.context, browser.extensionId);
    await options.page.setViewportSize({ width: 720, height: 1280 });
    await options.fill({ 'Endpoint URL': 'ftp://glean.example.com', 'Deny list': 'mail.example.com\n*.bank.example' });
    await options.save();
    await options.page.screenshot({ path: `${OUT}options.png`, fullPage: true });
    await options.page.emulateMedia({ colorScheme: 'dark' });
    await options.page.screenshot({ path: `${OUT}options-dark.png`, fullPage: true });
    console.log(`screenshots written to ${OUT}`);
  } finally {
    await browser.close();
  }
}

await main();
