// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { LogRowView } from '../../../src/ui/log-row';
import { renderLog } from '../../../src/ui/render-log';

const row = (seq: number, title: string): LogRowView => ({
  seq,
  title,
  host: 'example.com',
  action: 'VIEW',
  when: '2 min. ago',
  exactTime: '27/11/2026, 12:00:00',
  state: 'pending',
});

describe('renderLog', () => {
  it('renders one list item per row, in order', () => {
    const list = document.createElement('ul');
    renderLog(list, [row(2, 'Second'), row(1, 'First')]);
    expect(list.getAttribute('role')).toBe('list');
    const items = [...list.querySelectorAll('[role="listitem"]')];
    expect(items.map((item) => item.querySelector('.title')?.textContent)).toEqual(['Second', 'First']);
    expect(items[0]?.querySelector('time')?.getAttribute('title')).toBe('27/11/2026, 12:00:00');
  });

  it('shows a hostile title as text, never as markup', () => {
    const list = document.createElement('ul');
    renderLog(list, [row(1, '<img src=x onerror=alert(1)>')]);
    expect(list.querySelector('img')).toBeNull();
    expect(list.querySelector('.title')?.textContent).toBe('<img src=x onerror=alert(1)>');
  });

  it('replaces what was shown before', () => {
    const list = document.createElement('ul');
    renderLog(list, [row(1, 'Old')]);
    renderLog(list, [row(2, 'New')]);
    expect(list.querySelectorAll('li')).toHaveLength(1);
  });
});
