// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { LogRowView } from '../../../src/ui/log-row';
import { actionLabel, renderLog } from '../../../src/ui/render-log';
import { en, translatorFor } from './messages';

const row = (seq: number, title: string, more: Partial<LogRowView> = {}): LogRowView => ({
  seq,
  ids: [`id-${seq}`],
  title,
  url: `https://example.com/${seq}`,
  host: 'example.com',
  action: 'VIEW',
  when: '2 min. ago',
  exactTime: '27/11/2026, 12:00:00',
  isoTime: '2026-11-27T12:00:00.000Z',
  state: 'pending',
  ...more,
});

describe('renderLog', () => {
  it('renders one list item per row, in order', () => {
    const list = document.createElement('ul');
    renderLog(list, [row(2, 'Second'), row(1, 'First')], en);
    expect(list.getAttribute('role')).toBe('list');
    const items = [...list.querySelectorAll('[role="listitem"]')];
    expect(items.map((item) => item.querySelector('.title')?.textContent)).toEqual(['Second', 'First']);
    expect(items[0]?.querySelector('time')?.getAttribute('title')).toBe('27/11/2026, 12:00:00');
  });

  it('shows a hostile title as text, never as markup', () => {
    const list = document.createElement('ul');
    renderLog(list, [row(1, '<img src=x onerror=alert(1)>')], en);
    expect(list.querySelector('img')).toBeNull();
    expect(list.querySelector('.title')?.textContent).toBe('<img src=x onerror=alert(1)>');
  });

  it('replaces what was shown before', () => {
    const list = document.createElement('ul');
    renderLog(list, [row(1, 'Old')], en);
    renderLog(list, [row(2, 'New')], en);
    expect(list.querySelectorAll('li')).toHaveLength(1);
  });

  it('shows host, action, time with the exact moment on hover, duration and the sync mark', () => {
    const list = document.createElement('ul');
    renderLog(list, [row(1, 'Read me', { duration: '3m 20s', state: 'sent' })], en);
    expect(list.querySelector('.meta')?.textContent).toBe('example.com · View · 2 min. ago · 3m 20s · sent');
    expect(list.querySelector('time')?.getAttribute('datetime')).toBe('2026-11-27T12:00:00.000Z');
    expect(list.querySelector('.title')?.getAttribute('title')).toBe('https://example.com/1');
  });

  it("shows the server's message on a rejected row", () => {
    const list = document.createElement('ul');
    renderLog(list, [row(1, 'Bad', { state: 'rejected', rejection: 'HTTP 400: title too long' })], en);
    expect(list.querySelector('.mark')?.textContent).toBe('rejected');
    expect(list.querySelector('.rejection')?.textContent).toBe('Refused by the server: HTTP 400: title too long');
  });

  it('gives every row labelled Delete and Delete site buttons', () => {
    const list = document.createElement('ul');
    renderLog(list, [row(1, 'Budget')], en);
    const buttons = [...list.querySelectorAll('button')];
    expect(buttons.map((b) => [b.textContent, b.getAttribute('aria-label'), b.dataset.rowAction])).toEqual([
      ['Delete', 'Delete “Budget”', 'delete-row'],
      ['Delete site', 'Delete site example.com (every event from it)', 'delete-site'],
    ]);
  });

  it('speaks the reader\'s language', () => {
    const list = document.createElement('ul');
    renderLog(list, [row(1, 'Seite', { action: 'SEARCH' })], translatorFor('de'));
    expect(list.querySelector('.meta')?.textContent).toBe('example.com · Suche · 2 min. ago · ausstehend');
    expect(actionLabel('HISTORICAL_VIEW', en)).toBe('View (history)');
    expect(actionLabel('SOMETHING_NEW', en)).toBe('SOMETHING_NEW');
  });
});
