import { openEventLog } from '../../src/store/event-log';
import { groupViews } from '../../src/ui/group-views';
import { toLogRow } from '../../src/ui/log-row';
import { renderLog } from '../../src/ui/render-log';

const PAGE_SIZE = 50;

// The popup reads the log straight from IndexedDB (same extension origin): opening it never
// has to wake the background worker.
async function showRecentLog(): Promise<void> {
  const log = await openEventLog(indexedDB);
  const [entries, counts] = await Promise.all([log.recent(PAGE_SIZE), log.countByState()]);
  const now = Date.now();
  renderLog(
    document.getElementById('log')!,
    groupViews(entries).map((item) => toLogRow(item, now)),
  );
  document.getElementById('empty')!.hidden = entries.length > 0;
  document.getElementById('status')!.textContent = `${counts.pending} pending`;
  document.body.dataset.loaded = 'true';
}

showRecentLog().catch((error: unknown) => {
  document.getElementById('status')!.textContent = `Could not read the log: ${String(error)}`;
});
