// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IDBDatabase, IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RecordedEvent } from '../../../src/model/activity-event';
import { uuidv7 } from '../../../src/model/event-id';
import { openEventLog, type EventLog } from '../../../src/store/event-log';
import { readSiteDays, readSiteDaysIfFolded } from '../../../src/insights/aggregate-reads';
import { openExistingLog } from '../../../src/store/open-existing-log';
import { PAGE_SIZE, paintFirstPage } from '../../../src/ui/popup-first-paint';
import { mountSummary } from '../../../src/ui/popup-summary';
import { en, translatorFor } from './messages';

const NOW = Date.UTC(2026, 10, 27, 12);
const DAY = 86_400_000;
let factory: IDBFactory;
let log: EventLog;

const completion = (url: string, start: number, seconds: number, title = url): RecordedEvent => ({
  id: uuidv7(start + seconds * 1000),
  action: 'VIEW',
  timestamp: new Date(start).toISOString(),
  url,
  params: { title, duration: seconds },
});

function loadPopupMarkup(): void {
  const html = readFileSync(resolve(process.cwd(), 'entrypoints/popup/index.html'), 'utf8');
  document.documentElement.innerHTML = html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<link rel="stylesheet"[^>]*>/g, '');
  delete document.body.dataset.summaryRenderedMs;
}

beforeEach(async () => {
  factory = new IDBFactory();
  log = await openEventLog(factory, { clock: () => NOW });
  loadPopupMarkup();
});

const siteRows = () =>
  [...document.querySelectorAll<HTMLElement>('#summary-sites > li')].map((item) => [
    item.dataset.host,
    item.querySelector('.site-time')?.textContent,
    item.querySelector('.site-share')?.textContent,
  ]);

async function paint(t = en, locale = 'en') {
  const summary = mountSummary({ document, factory, t, locale, clock: () => NOW });
  await paintFirstPage(document, openExistingLog(factory), PAGE_SIZE, t, locale, () => NOW, summary);
  return summary;
}

describe('the popup summary', () => {
  it('shows today\'s total and top sites with their share, and the last 7 days on the switch', async () => {
    await log.append([
      completion('https://a.example/1', NOW - 600_000, 300, 'A one'),
      completion('https://a.example/2', NOW - 300_000, 60, 'A two'),
      completion('https://b.example/', NOW - 200_000, 120),
      completion('https://old.example/', NOW - 3 * DAY, 3600),
    ]);
    await paint();
    expect(document.getElementById('summary-total')!.textContent).toBe('Today: 8m 0s in front');
    expect(siteRows()).toEqual([
      ['a.example', '6m 0s', '75%'],
      ['b.example', '2m 0s', '25%'],
    ]);
    expect(document.querySelector<HTMLElement>('.share-fill')!.style.width).toBe('75.0%');
    expect(document.body.dataset.summaryRenderedMs).toBeDefined();

    const week = document.querySelector<HTMLButtonElement>('[data-days="7"]')!;
    week.click();
    expect(week.getAttribute('aria-pressed')).toBe('true');
    expect(document.querySelector('[data-days="1"]')!.getAttribute('aria-pressed')).toBe('false');
    expect(document.getElementById('summary-total')!.textContent).toBe('Last 7 days: 1h 8m in front');
    expect(siteRows()[0]![0]).toBe('old.example');
  });

  it('opens a site\'s pages in place, with title and time, and closes them again', async () => {
    await log.append([
      completion('https://a.example/1', NOW - 600_000, 300, 'A one'),
      completion('https://a.example/2', NOW - 300_000, 60, 'A two'),
    ]);
    await paint();
    const toggle = document.querySelector<HTMLButtonElement>('.site-toggle')!;
    const pages = document.getElementById(toggle.getAttribute('aria-controls')!)!;
    expect(pages.hidden).toBe(true);
    toggle.click();
    await expect.poll(() => pages.querySelectorAll('li').length).toBe(2);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect([...pages.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['A one5m 0s', 'A two1m 0s']);
    toggle.click();
    expect(pages.hidden).toBe(true);
  });

  it('follows a delete when refreshed, and speaks German', async () => {
    const de = translatorFor('de');
    await log.append([completion('https://a.example/1', NOW - 600_000, 65), completion('https://b.example/', NOW - 300_000, 30)]);
    const summary = await paint(de, 'de');
    expect(document.getElementById('summary-total')!.textContent).toBe('Heute: 1 Min. 35 Sek. im Vordergrund');
    expect(document.querySelector('[data-days="7"]')!.textContent).toBe('Letzte 7 Tage');
    await log.deleteSite('a.example');
    await summary.refresh();
    expect(siteRows()).toEqual([['b.example', '30 Sek.', '100\u00a0%']]);
    await log.deleteAll();
    await summary.refresh();
    expect(document.getElementById('summary-note')!.textContent).toBe('Heute war noch keine Seite im Vordergrund.');
  });
});

describe('the summary read at the first paint', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reads the site days without a fold when nothing was appended since the last one, and asks for a fold when something was', async () => {
    await log.append([completion('https://a.example/1', NOW - 600_000, 65)]);
    const db = (await openExistingLog(factory))!;
    expect(await readSiteDaysIfFolded(db, '2026-11-21', '2026-11-27')).toBeNull();
    const folded = await readSiteDays(db, '2026-11-21', '2026-11-27');
    expect(folded.map((day) => [day.host, day.seconds])).toEqual([['a.example', 65]]);
    expect(await readSiteDaysIfFolded(db, '2026-11-21', '2026-11-27')).toEqual(folded);
    await log.append([completion('https://b.example/', NOW - 300_000, 30)]);
    expect(await readSiteDaysIfFolded(db, '2026-11-21', '2026-11-27')).toBeNull();
    db.close();
  });

  it('opens no read-write transaction when the log is folded, and still shows what was appended when it is not', async () => {
    const modes = vi.spyOn(IDBDatabase.prototype, 'transaction');
    const readWrite = () => modes.mock.calls.filter((call) => call[1] === 'readwrite').length;
    await log.append([completion('https://a.example/1', NOW - 600_000, 65)]);
    await paint();
    expect(siteRows()).toEqual([['a.example', '1m 5s', '100%']]);
    expect(readWrite()).toBeGreaterThan(0);
    modes.mockClear();
    loadPopupMarkup();
    await paint();
    expect(siteRows()).toEqual([['a.example', '1m 5s', '100%']]);
    expect(readWrite()).toBe(0);
  });
});
