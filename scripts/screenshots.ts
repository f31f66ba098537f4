// Screenshots for the README: the popup with about twenty events, light and dark, and the
// options page. Real Chromium with the built extension (`npm run build` first):
//   npx tsx scripts/screenshots.ts        → docs/screenshots/*.png
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchExtensionBrowser } from '../tests/e2e/harness';
import { OptionsPage } from '../tests/e2e/harness/options-page';
import { waitForBody } from '../tests/e2e/harness/popup-page';
import { sampleActivity, seedLog } from '../tests/e2e/harness/seed-log';

const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const browser = await launchExtensionBrowser();
  try {
    const setup = await browser.openPopup();
    await seedLog(setup.page, sampleActivity(Date.now()));
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
