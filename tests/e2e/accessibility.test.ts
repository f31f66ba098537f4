import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchExtensionBrowser, type ExtensionBrowser, type PopupPage } from './harness';
import { OptionsPage } from './harness/options-page';
import { waitForBody } from './harness/popup-page';
import { sampleActivity, sampleSpacingWithinToday, seedLog, seedSummary } from './harness/seed-log';

// axe-core in Chromium on the popup, the Insights page and the options page, light and dark,
// with content and with the states a user reaches (menus open, a confirmation, validation
// messages, each range of the Insights page): 0 violations.

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the debugger protocol, which the extension page's CSP does not govern.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations.map(
    (v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary ?? ''})`).join('; ')}`,
  );
}

let browser: ExtensionBrowser;
let popup: PopupPage;
let options: OptionsPage;
let insights: Page;

beforeAll(async () => {
  browser = await launchExtensionBrowser();
  popup = await browser.openPopup();
  // Near midnight the sample is squeezed so all of it is today's, for the "Today" summary.
  let spacing = sampleSpacingWithinToday(Date.now());
  while (spacing === undefined) {
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    spacing = sampleSpacingWithinToday(Date.now());
  }
  const sample = sampleActivity(Date.now(), spacing);
  await seedLog(popup.page, sample);
  await seedSummary(popup.page, sample);
  await popup.reload();
  options = await OptionsPage.open(browser.context, browser.extensionId);
  insights = await browser.context.newPage();
  await insights.goto(`chrome-extension://${browser.extensionId}/insights.html`);
  await waitForBody(insights, 'renders');
}, 300_000);
afterAll(async () => {
  await browser?.close();
});

describe('the axe-core run itself', () => {
  it('reports a control without a label, so an empty result means something', async () => {
    await options.page.evaluate(() => document.body.append(Object.assign(document.createElement('input'), { id: 'unlabelled' })));
    expect((await axeViolations(options.page)).some((v) => v.startsWith('label:'))).toBe(true);
    await options.page.evaluate(() => document.getElementById('unlabelled')!.remove());
  });
});

describe.each(['light', 'dark'] as const)('axe-core, %s theme', (colorScheme) => {
  it('finds nothing on the popup with a log, a rejected row, and its menus open', async () => {
    await popup.page.emulateMedia({ colorScheme });
    expect((await popup.rows()).length).toBeGreaterThanOrEqual(10);
    expect(await popup.page.locator('#summary-sites > li').count()).toBeGreaterThanOrEqual(3);
    expect(await axeViolations(popup.page)).toEqual([]);
    // The summary with a site open on its pages, and on the 7 days.
    await popup.page.locator('.site-toggle').first().click();
    await popup.page.locator('.site-pages li').first().waitFor();
    await popup.page.getByRole('button', { name: 'Last 7 days' }).click();
    expect(await axeViolations(popup.page)).toEqual([]);
    await popup.page.getByRole('button', { name: 'Today' }).click();

    await popup.page.getByRole('button', { name: 'Pause', exact: true }).click();
    await popup.page.getByRole('button', { name: 'Export' }).click();
    expect(await axeViolations(popup.page)).toEqual([]);
    await popup.page.keyboard.press('Escape');
    await popup.page.getByRole('button', { name: 'Pause', exact: true }).click();
  });

  it('finds nothing on the popup with the confirmation dialog open', async () => {
    await popup.page.emulateMedia({ colorScheme });
    await popup.page.getByRole('button', { name: 'Delete all…' }).click();
    await popup.page.getByRole('dialog').waitFor({ state: 'visible' });
    expect(await axeViolations(popup.page)).toEqual([]);
    await popup.page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('finds nothing on the Insights page: a day, a month, and (light) the confirmation', async () => {
    await insights.emulateMedia({ colorScheme });
    await insights.getByRole('button', { name: 'Day', exact: true }).click();
    await insights.waitForFunction(() => document.body.dataset.range?.startsWith('day '));
    // The sample's day: a timeline, its hours, sites, pages and searches.
    expect(await insights.locator('#timeline-chart svg rect').count()).toBeGreaterThan(5);
    expect(await insights.locator('#searches-table tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await axeViolations(insights)).toEqual([]);
    // A week's bars are a month's, fewer: the month stands for both (axe takes seconds a run).
    for (const range of ['Month'] as const) {
      await insights.getByRole('button', { name: range, exact: true }).click();
      await insights.waitForFunction((kind) => document.body.dataset.range?.startsWith(`${kind} `), range.toLowerCase());
      expect(await insights.locator('#days-chart svg rect').count()).toBeGreaterThan(0);
      expect(await axeViolations(insights)).toEqual([]);
    }
    if (colorScheme === 'dark') return;
    await insights.locator('#sites-table button[data-site-action="delete"]').first().click();
    await insights.getByRole('dialog').waitFor({ state: 'visible' });
    expect(await axeViolations(insights)).toEqual([]);
    await insights.getByRole('button', { name: 'Cancel' }).click();
    // Cancel keeps everything.
    expect(await insights.locator('#sites-table tbody tr').count()).toBeGreaterThanOrEqual(5);
  });

  it('finds nothing on the options page, also with validation messages shown', async () => {
    await options.page.emulateMedia({ colorScheme });
    expect(await axeViolations(options.page)).toEqual([]);
    await options.fill({ 'Endpoint URL': 'ftp://x', 'Deny list': 'not a pattern' });
    expect(await options.save()).toBe('invalid');
    expect(await axeViolations(options.page)).toEqual([]);
    await options.fill({ 'Endpoint URL': '', 'Deny list': '' });
  });
});

describe('keyboard', () => {
  it('reaches every popup control with Tab, each with a name', async () => {
    await popup.reload();
    const names: string[] = [];
    await popup.page.focus('body');
    for (let i = 0; i < 20; i++) {
      await popup.page.keyboard.press('Tab');
      names.push(
        await popup.page.evaluate(() => {
          const el = document.activeElement as HTMLInputElement;
          return el.getAttribute('aria-label') ?? (el.labels?.[0]?.textContent || el.textContent || '').trim();
        }),
      );
    }
    // The sample log holds a rejected row, so "Retry rejected" stands beside "Sync now".
    expect(names.slice(0, 8)).toEqual(['Sync now', 'Retry rejected', 'Pause', 'Export', 'Options', 'Today', 'Last 7 days', 'Insights']);
    // The summary's sites ("host, time, share"), then the log.
    const search = names.indexOf('Search');
    expect(search).toBeGreaterThan(8);
    for (const site of names.slice(8, search)) expect(site).toMatch(/^[a-z0-9.-]+, .+, \d+%$/);
    expect(names[search + 1]).toMatch(/^Delete “.+”$/);
    expect(names[search + 2]).toMatch(/^Delete site .+ \(every event from it\)$/);
  });

  it('reaches every Insights control with Tab, each with a name, and Deny / Delete site for each site', async () => {
    await insights.goto(insights.url().replace(/\?.*$/, ''));
    await waitForBody(insights, 'renders');
    const names: string[] = [];
    await insights.focus('body');
    for (let i = 0; i < 60; i++) {
      await insights.keyboard.press('Tab');
      const name = await insights.evaluate(() => {
        const el = document.activeElement as HTMLInputElement;
        if (el === document.body) return '';
        return el.getAttribute('aria-label') ?? (el.labels?.[0]?.textContent || el.textContent || '').trim();
      });
      if (name === '' && names.length > 0) break;
      names.push(name);
    }
    // The date field's parts are a stop each; "Next" is disabled on today's range, so Tab passes it.
    const stops = names.filter((name, i) => name !== names[i - 1]);
    expect(stops.slice(0, 6)).toEqual(['Day', 'Week', 'Month', 'Previous', 'Day shown', 'Today']);
    const sites = await insights.locator('#sites-table tbody tr').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.host!));
    expect(sites.length).toBeGreaterThanOrEqual(5);
    for (const host of sites) {
      expect(names).toContain(`Deny ${host} (stop recording it)`);
      expect(names).toContain(`Delete site ${host} (every event from it)`);
    }
    // Enter on a range button switches the range.
    await insights.getByRole('button', { name: 'Week', exact: true }).focus();
    await insights.keyboard.press('Enter');
    await insights.waitForFunction(() => document.body.dataset.range?.startsWith('week '));
  });

  it('opens the pause menu with Enter and closes it with Escape, focus back on Pause', async () => {
    await popup.page.getByRole('button', { name: 'Pause', exact: true }).focus();
    await popup.page.keyboard.press('Enter');
    expect(await popup.page.evaluate(() => document.activeElement?.textContent)).toBe('Pause until I resume');
    await popup.page.keyboard.press('Escape');
    expect(await popup.page.evaluate(() => document.activeElement?.id)).toBe('pause');
    expect(await popup.page.getByRole('button', { name: 'Pause', exact: true }).getAttribute('aria-expanded')).toBe('false');
  });
});
