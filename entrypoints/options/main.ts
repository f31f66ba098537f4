import { openEventLog } from '../../src/store/event-log';

// For now the options page shows what the log holds; settings arrive with sync (design.md §8).
async function showLogCounts(): Promise<void> {
  const log = await openEventLog(indexedDB);
  const [counts, dropped] = await Promise.all([log.countByState(), log.droppedCount()]);
  const list = document.getElementById('log-counts')!;
  const facts: [string, number][] = [
    ['Pending', counts.pending],
    ['Sent', counts.sent],
    ['Rejected', counts.rejected],
    ['Dropped (over the cap before they were sent)', dropped],
  ];
  list.replaceChildren(
    ...facts.flatMap(([label, value]) => {
      const term = document.createElement('dt');
      term.textContent = label;
      const detail = document.createElement('dd');
      detail.textContent = value.toLocaleString();
      return [term, detail];
    }),
  );
}

void showLogCounts();
