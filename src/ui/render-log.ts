import type { LogRowView } from './log-row';

/**
 * Renders the log as a list. Titles and URLs come from arbitrary pages, so every value is
 * set as text, never as HTML.
 */
export function renderLog(list: HTMLElement, rows: readonly LogRowView[]): void {
  const doc = list.ownerDocument;
  list.setAttribute('role', 'list');
  list.replaceChildren(
    ...rows.map((row) => {
      const item = doc.createElement('li');
      item.setAttribute('role', 'listitem');
      item.className = 'log-row';
      item.dataset.seq = String(row.seq);
      const title = doc.createElement('span');
      title.className = 'title';
      title.textContent = row.title;
      const meta = doc.createElement('span');
      meta.className = 'meta';
      const time = doc.createElement('time');
      time.textContent = row.when;
      time.title = row.exactTime;
      meta.append(`${row.host} · ${row.action} · `, time);
      if (row.duration) meta.append(` · ${row.duration}`);
      meta.append(` · ${row.state}`);
      item.append(title, meta);
      return item;
    }),
  );
}
