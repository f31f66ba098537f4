// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { ImportJob } from '../../../src/settings/stored-items';
import { importStatusText, mountHistoryImport } from '../../../src/ui/history-import-view';
import { translatorFor } from './messages';

const job = (fields: Partial<ImportJob>): ImportJob => ({
  startTime: 0,
  endTime: 1,
  state: 'running',
  totalVisits: 48_000,
  doneVisits: 12_400,
  written: 12_000,
  cursor: null,
  ...fields,
});

describe('importStatusText', () => {
  const t = translatorFor('en');

  it('counts visits while the import runs, and says what it wrote when done', () => {
    expect(importStatusText(job({}), t, 'en-US')).toBe('12,400 of 48,000 visits');
    expect(importStatusText(job({ state: 'done', doneVisits: 48_000, written: 47_100 }), t, 'en-US')).toBe(
      'Imported 48,000 of 48,000 visits: 47,100 new events.',
    );
  });

  it('says where a cancelled import stopped, and why one failed', () => {
    expect(importStatusText(job({ state: 'cancelled' }), t, 'en-US')).toBe('Import cancelled after 12,400 of 48,000 visits.');
    expect(importStatusText(job({ state: 'failed', error: 'quota exceeded' }), t, 'en-US')).toBe('Import failed: quota exceeded');
  });

  it('is translated', () => {
    expect(importStatusText(job({}), translatorFor('de'), 'de-DE')).toBe('12.400 von 48.000 Besuchen');
  });
});

describe('mountHistoryImport', () => {
  it('says so and lets the user try again when no background answers the request', async () => {
    fakeBrowser.reset();
    document.body.innerHTML = `<select id="importPeriod"><option value="7">7</option></select>
      <button id="importHistory">Import history</button><button id="cancelImport" hidden>Cancel</button>
      <progress id="importProgress" hidden></progress><p id="importStatus"></p>`;
    await mountHistoryImport({
      document,
      storage: fakeBrowser.storage as never,
      requestHistoryPermission: async () => true,
      send: async () => {
        throw new Error('Could not establish connection. Receiving end does not exist.');
      },
      t: translatorFor('en'),
    });
    const start = document.getElementById('importHistory') as HTMLButtonElement;
    start.click();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(start.disabled).toBe(false);
    expect(document.getElementById('importStatus')!.textContent).toContain('Receiving end does not exist');
  });
});
