/**
 * The tables of the Insights page: every chart's text equivalent and the lists of sites, pages
 * and searches (docs/design.md §7a). Plain DOM; a table is named by the heading before it.
 */

export type Cell = string | Node;

export interface TableRow {
  cells: Cell[];
  /** Test and styling hooks on the `<tr>` (`data-…`). */
  data?: Record<string, string>;
}

/** A table with a header row; the first cell of each row is its row header. */
export function dataTable(doc: Document, labelledBy: string, headers: readonly Cell[], rows: readonly TableRow[], className = ''): HTMLTableElement {
  const table = doc.createElement('table');
  table.setAttribute('aria-labelledby', labelledBy);
  if (className) table.className = className;
  const head = doc.createElement('thead');
  const headRow = doc.createElement('tr');
  for (const header of headers) {
    const th = doc.createElement('th');
    th.scope = 'col';
    th.append(header);
    headRow.append(th);
  }
  head.append(headRow);
  const body = doc.createElement('tbody');
  for (const row of rows) {
    const tr = doc.createElement('tr');
    Object.assign(tr.dataset, row.data ?? {});
    row.cells.forEach((cell, i) => {
      const td = doc.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) (td as HTMLTableCellElement).scope = 'row';
      td.append(cell);
      tr.append(td);
    });
    body.append(tr);
  }
  table.append(head, body);
  return table;
}

/** A site's name with the swatch of its colour in the charts. */
export function siteLabel(doc: Document, host: string, colourClass: string): HTMLSpanElement {
  const label = doc.createElement('span');
  label.className = 'site-label';
  const swatch = doc.createElement('span');
  swatch.className = `swatch ${colourClass}`;
  swatch.setAttribute('aria-hidden', 'true');
  label.append(swatch, host);
  return label;
}

/** A number column's value (right-aligned by the page's CSS). */
export function numberCell(doc: Document, text: string): HTMLSpanElement {
  const span = doc.createElement('span');
  span.className = 'number';
  span.textContent = text;
  return span;
}
