import { extensionBrowser as browser } from '../../src/platform/extension-browser';
import type { Request } from '../../src/messaging/protocol';
import { isPaused, PAUSE_KEY } from '../../src/settings/pause';
import { readSettings } from '../../src/settings/settings-store';
import { connectEventLog } from '../../src/store/event-log';
import type { SyncReport } from '../../src/sync/sync-engine';
import { parseSyncStatus, SYNC_STATUS_KEY } from '../../src/sync/sync-status';
import { groupViews } from '../../src/ui/group-views';
import { toLogRow } from '../../src/ui/log-row';
import { renderLog } from '../../src/ui/render-log';
import { statusLine } from '../../src/ui/status-line';

const PAGE_SIZE = 50;
// The popup reads the log straight from IndexedDB (same extension origin): opening it never
// has to wake the background worker.
const log = connectEventLog(indexedDB);
const local = browser.storage.local;

async function showStatus(): Promise<void> {
  const [counts, settings, stored] = await Promise.all([
    log.countByState(),
    readSettings(local),
    local.get([SYNC_STATUS_KEY, PAUSE_KEY]),
  ]);
  const now = Date.now();
  document.getElementById('status')!.textContent = statusLine({
    paused: isPaused(stored[PAUSE_KEY], now),
    pending: counts.pending,
    sync: parseSyncStatus(stored[SYNC_STATUS_KEY]),
    syncConfigured: settings.syncEnabled && settings.endpointUrl !== '',
    now,
  });
}

async function showRecentLog(): Promise<void> {
  const entries = await log.recent(PAGE_SIZE);
  const now = Date.now();
  renderLog(
    document.getElementById('log')!,
    groupViews(entries).map((item) => toLogRow(item, now)),
  );
  document.getElementById('empty')!.hidden = entries.length > 0;
}

async function refresh(): Promise<void> {
  await Promise.all([showRecentLog(), showStatus()]);
  document.body.dataset.loaded = 'true';
}

document.getElementById('sync-now')!.addEventListener('click', async (click) => {
  const button = click.currentTarget as HTMLButtonElement;
  button.disabled = true;
  try {
    const request: Request = { type: 'syncNow' };
    const report = (await browser.runtime.sendMessage(request)) as SyncReport;
    document.body.dataset.lastSync = report.outcome;
  } finally {
    button.disabled = false;
    await refresh();
  }
});
document.getElementById('options')!.addEventListener('click', () => void browser.runtime.openOptionsPage());

refresh().catch((error: unknown) => {
  document.getElementById('status')!.textContent = `Could not read the log: ${String(error)}`;
});
