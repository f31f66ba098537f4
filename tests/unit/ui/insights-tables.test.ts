// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { dataTable, numberCell, siteLabel } from '../../../src/ui/insights-tables';

describe('dataTable', () => {
  it('is named by its heading, with column headers, row headers and the rows\' data hooks', () => {
    const table = dataTable(document, 'sites-heading', ['Site', 'In front'], [
      { cells: [siteLabel(document, 'a.example', 'site-0'), numberCell(document, '3s')], data: { host: 'a.example' } },
      { cells: ['b.example', '2s'] },
    ]);
    expect(table.getAttribute('aria-labelledby')).toBe('sites-heading');
    expect([...table.querySelectorAll('thead th')].map((th) => [th.textContent, th.getAttribute('scope')])).toEqual([
      ['Site', 'col'],
      ['In front', 'col'],
    ]);
    const rows = [...table.querySelectorAll('tbody tr')];
    expect(rows.map((row) => [...row.children].map((cell) => `${cell.tagName}:${cell.textContent}`))).toEqual([
      ['TH:a.example', 'TD:3s'],
      ['TH:b.example', 'TD:2s'],
    ]);
    expect((rows[0] as HTMLElement).dataset.host).toBe('a.example');
    expect(rows[0]!.querySelector('.swatch.site-0')!.getAttribute('aria-hidden')).toBe('true');
  });
});
