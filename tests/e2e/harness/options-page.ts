import type { BrowserContext, Locator, Page } from 'playwright-core';
import { openExtensionPage } from './extension-page';
import { waitForBody } from './popup-page';

/** The text fields of the options page by label (docs/design.md §8), and the checkboxes. */
export type OptionsTextField =
  | 'Endpoint URL'
  | 'API token'
  | 'Sync interval (minutes)'
  | 'Idle threshold (seconds)'
  | 'Allow list'
  | 'Deny list'
  | 'Keep sent events (days)'
  | 'Keep the daily summary (days)';
export type OptionsCheckbox = 'Sync enabled' | 'Strip all query strings' | 'Log private windows';
export type OptionsValues = Partial<Record<OptionsTextField, string> & Record<OptionsCheckbox, boolean>>;

export const OPTIONS_TEXT_FIELDS: readonly OptionsTextField[] = [
  'Endpoint URL',
  'API token',
  'Sync interval (minutes)',
  'Idle threshold (seconds)',
  'Allow list',
  'Deny list',
  'Keep sent events (days)',
  'Keep the daily summary (days)',
];
export const OPTIONS_CHECKBOXES: readonly OptionsCheckbox[] = ['Sync enabled', 'Strip all query strings', 'Log private windows'];

/** The options page (docs/design.md §8), in a background tab, driven by labels as a user reads them. */
export class OptionsPage {
  private constructor(readonly page: Page) {}

  static async open(context: BrowserContext, extensionId: string): Promise<OptionsPage> {
    const options = await OptionsPage.openWithoutWaiting(context, extensionId);
    await options.waitUntilLoaded();
    return options;
  }

  /** Opens the page and returns at once, as a user who starts typing before it has loaded. */
  static async openWithoutWaiting(context: BrowserContext, extensionId: string): Promise<OptionsPage> {
    return new OptionsPage(await openExtensionPage(context, extensionId, 'options.html'));
  }

  /** What the token field's hint says (a saved token, none, or that this endpoint needs its own). */
  tokenHint(): Promise<string> {
    return this.page.locator('#apiToken-hint').innerText();
  }

  field(label: OptionsTextField | OptionsCheckbox): Locator {
    return this.page.getByLabel(label, { exact: true });
  }

  async fill(values: OptionsValues): Promise<void> {
    for (const [label, value] of Object.entries(values) as [OptionsTextField | OptionsCheckbox, string | boolean][]) {
      if (typeof value === 'boolean') await this.field(label).setChecked(value);
      else await this.field(label).fill(value);
    }
  }

  /** What every field shows now (the token field is always empty once saved). */
  async values(): Promise<Required<OptionsValues>> {
    const values: Record<string, string | boolean> = {};
    for (const label of OPTIONS_TEXT_FIELDS) values[label] = await this.field(label).inputValue();
    for (const label of OPTIONS_CHECKBOXES) values[label] = await this.field(label).isChecked();
    return values as Required<OptionsValues>;
  }

  /** Clicks "Save"; resolves to `ok`, or `invalid` when a field was refused. */
  async save(): Promise<'ok' | 'invalid'> {
    await this.page.evaluate(() => delete document.body.dataset.saved);
    await this.page.getByRole('button', { name: 'Save', exact: true }).click();
    return (await waitForBody(this.page, 'saved')) as 'ok' | 'invalid';
  }

  /** The message shown next to a field (the element its `aria-describedby` names, `…-error`). */
  async errorFor(label: OptionsTextField | OptionsCheckbox): Promise<string> {
    const describedBy = (await this.field(label).getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(/\s+/).find((id) => id.endsWith('-error'));
    if (!errorId) throw new Error(`${label} has no error message element`);
    return this.page.locator(`[id="${errorId}"]`).innerText();
  }

  /** The line under "Save" ("Saved.", "Nothing was saved: …"). */
  savedMessage(): Promise<string> {
    return this.page.locator('#saved').innerText();
  }

  /** The line about host access for the endpoint, once there is one. */
  async permissionMessage(): Promise<string> {
    return this.page.locator('#permission').innerText();
  }

  /** Clicks "Test connection"; resolves to what the page says about the answer. */
  async testConnection(): Promise<string> {
    await this.page.evaluate(() => delete document.body.dataset.connection);
    await this.page.getByRole('button', { name: 'Test connection' }).click();
    await waitForBody(this.page, 'connection', undefined, 20_000);
    return this.page.locator('#connection-result').innerText();
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.waitUntilLoaded();
  }

  close(): Promise<void> {
    return this.page.close();
  }

  /** The first read of administrator policy (storage.managed) takes seconds after a browser start. */
  private async waitUntilLoaded(): Promise<void> {
    await waitForBody(this.page, 'loaded', 'true', 20_000);
  }
}
