// @vitest-environment happy-dom
process.env.TZ = 'Europe/Berlin';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/model/activity-event';
import { uuidv7 } from '../../../src/model/event-id';
import type { DenyOutcome } from '../../../src/settings/deny-site';
import { openEventLog, type EventLog } from '../../../src/store/event-log';
import { mountInsights, type InsightsActions } from '../../../src/ui/insights-view';
import { en, translatorFor } from './messages';

// Friday 27 November 2026, 15:00 in Berlin.
const NOW = new Date(2026, 10, 27, 15).getTime();
const at = (hour: number, minute = 0, date = 27) => new Date(2026, 10, date, hour, minute).getTime();
let factory: IDBFactory;
let log: EventLog;

const view = (url: string, start: number, seconds: number, title = url): RecordedEvent => ({
  id: uuidv7(start + seconds * 1000),
  action: 'VIEW',
  timestamp: new Date(start).toISOString(),
  url,
  params: { title, duration: seconds },
});
const search = (url: string, when: number, query: string): RecordedEvent => ({
  id: uuidv7(when),
  action: 'SEARCH',
  timestamp: new Date(when).toISOString(),
  url,
  params: { query },
});

function loadMarkup(): void {
  const html = readFileSync(resolve(process.cwd(), 'entrypoints/insights/index.html'), 'utf8');
  document.documentElement.innerHTML = html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<link rel="stylesheet"[^>]*>/g, '');
  for (const key of Object.keys(document.body.dataset)) delete document.body.dataset[key];
}

beforeEach(async () => {
  factory = new IDBFactory();
  log = await openEventLog(factory, { clock: () => NOW });
  loadMarkup();
  await log.append([
    view('https://a.example/one', at(9), 3 * 60, 'A one'),
    view('https://b.example/', at(9, 5), 5 * 60, 'B'),
    view('https://c.example/', at(9, 12), 2 * 60, 'C'),
    view('https://a.example/two', at(9, 15), 3 * 60, 'A two'),
    search('https://www.google.com/search?q=intl', at(10), 'intl durations'),
    // Earlier in the week (Monday) and in the month.
    view('https://b.example/', at(11, 0, 23), 3600, 'B'),
    view('https://d.example/', at(11, 0, 2), 600, 'D'),
  ]);
});

interface FakeActions extends InsightsActions {
  denied: string[];
}

function fakeActions(outcome: DenyOutcome = 'denied'): FakeActions {
  const denied: string[] = [];
  return {
    denied,
    deleteSite: (host) => log.deleteSite(host),
    denySite: async (host) => {
      if (outcome === 'denied') denied.push(host);
      return outcome;
    },
    deniedTest: async () => (host) => denied.includes(host),
  };
}

async function mount(search = '', actions = fakeActions(), t = en, locale = 'en') {
  const replaced: string[] = [];
  const page = mountInsights({ document, factory, actions, t, locale, clock: () => NOW, search, replaceSearch: (s) => replaced.push(s) });
  await page.refresh();
  return { page, replaced, actions };
}

const rows = (id: string) =>
  [...document.querySelectorAll<HTMLElement>(`#${id} tbody tr`)].map((row) => [row.dataset.host ?? row.dataset.day, Number(row.dataset.seconds)]);
const text = (id: string) => document.getElementById(id)!.textContent;
const renders = () => Number(document.body.dataset.renders);

describe('the Insights page, a day', () => {
  it('shows the total, the timeline in the order of reading, the hours, sites, pages and searches', async () => {
    const { replaced } = await mount();
    expect(text('period-heading')).toBe('Friday, November 27, 2026');
    expect(text('total')).toBe('13m 0s in front');
    expect(document.getElementById('total')!.dataset.seconds).toBe('780');
    expect(rows('timeline-table')).toEqual([
      ['a.example', 180],
      ['b.example', 300],
      ['c.example', 120],
      ['a.example', 180],
    ]);
    expect(document.querySelectorAll('#timeline-chart svg rect.site-0, #timeline-chart svg rect.site-1, #timeline-chart svg rect.site-2')).toHaveLength(4);
    expect(rows('sites-table')).toEqual([
      ['a.example', 360],
      ['b.example', 300],
      ['c.example', 120],
      // A search engine: no time in front, one search.
      ['www.google.com', 0],
    ]);
    expect([...document.querySelectorAll('#pages-table .page-title')].map((p) => p.textContent)).toEqual(['B', 'A one', 'A two', 'C']);
    expect(text('pages-note')).toBe('');
    expect(Number(document.body.dataset.insightsPagesMs)).toBeGreaterThanOrEqual(Number(document.body.dataset.insightsRenderedMs));
    expect([...document.querySelectorAll('#searches-table tbody tr')].map((row) => row.textContent)).toEqual(['10:00 AMintl durationswww.google.com']);
    expect([...document.querySelectorAll('#hours-table tbody tr')].map((row) => (row as HTMLElement).dataset.seconds)).toEqual(['780']);
    expect(document.getElementById('days-section')!.hidden).toBe(true);
    expect(document.getElementById('timeline-section')!.hidden).toBe(false);
    // Today has no next day yet.
    expect(document.querySelector<HTMLButtonElement>('#range-next')!.disabled).toBe(true);
    expect(replaced.at(-1)).toBe('?range=day&day=2026-11-27');
    expect(document.body.dataset.insightsRenderedMs).toBeDefined();
  });

  it('says so when a day has nothing', async () => {
    await mount('?range=day&day=2026-11-26');
    expect(text('total')).toBe('No page was in front in this period.');
    expect(text('timeline-note')).toBe('No completed view this day.');
    expect(text('searches-note')).toBe('No searches in this period.');
    expect(document.querySelectorAll('#sites-table tbody tr')).toHaveLength(0);
    expect(document.querySelector<HTMLButtonElement>('#range-next')!.disabled).toBe(false);
  });
});

describe('the Insights page, a week and a month', () => {
  it('draws a stacked bar per day and its table, switched by the range buttons', async () => {
    await mount();
    document.querySelector<HTMLButtonElement>('[data-range="week"]')!.click();
    await expect.poll(() => document.body.dataset.range).toBe('week 2026-11-27');
    expect(text('period-heading')!.replace(/\s/g, ' ')).toBe('November 23 – 29, 2026');
    expect(document.querySelector('[data-range="week"]')!.getAttribute('aria-pressed')).toBe('true');
    expect(document.getElementById('timeline-section')!.hidden).toBe(true);
    expect(rows('days-table')).toEqual([
      ['2026-11-23', 3600],
      ['2026-11-24', 0],
      ['2026-11-25', 0],
      ['2026-11-26', 0],
      ['2026-11-27', 780],
      ['2026-11-28', 0],
      ['2026-11-29', 0],
    ]);
    // The Monday's bar is one site, Friday's three: four rectangles.
    expect(document.querySelectorAll('#days-chart svg g rect')).toHaveLength(4);
    expect(rows('sites-table')[0]).toEqual(['b.example', 3900]);

    document.querySelector<HTMLButtonElement>('[data-range="month"]')!.click();
    await expect.poll(() => document.body.dataset.range).toBe('month 2026-11-27');
    expect(text('period-heading')).toBe('November 2026');
    expect(rows('days-table')).toHaveLength(30);
    expect(text('total')).toBe('1h 23m in front');
  });

  it('steps back and forth, and shows the day typed in the date field', async () => {
    const { replaced } = await mount('?range=week&day=2026-11-27');
    document.getElementById('range-previous')!.click();
    await expect.poll(() => document.body.dataset.range).toBe('week 2026-11-22');
    expect(text('total')).toBe('No page was in front in this period.');
    document.getElementById('range-next')!.click();
    await expect.poll(() => document.body.dataset.range).toBe('week 2026-11-23');
    expect(text('total')).toBe('1h 13m in front');
    const input = document.querySelector<HTMLInputElement>('#range-day')!;
    input.value = '2026-11-02';
    input.dispatchEvent(new Event('change'));
    await expect.poll(() => document.body.dataset.range).toBe('week 2026-11-02');
    expect(rows('sites-table')).toEqual([['d.example', 600]]);
    expect(replaced.at(-1)).toBe('?range=week&day=2026-11-02');
    document.getElementById('range-today')!.click();
    await expect.poll(() => document.body.dataset.range).toBe('week 2026-11-27');
  });
});

describe('Deny and Delete site', () => {
  it('"Deny" puts the site on the deny list and marks its row', async () => {
    const { actions } = await mount();
    const before = renders();
    document.querySelector<HTMLButtonElement>('button[data-site-action="deny"][data-host="b.example"]')!.click();
    await expect.poll(renders).toBeGreaterThan(before);
    expect(actions.denied).toEqual(['b.example']);
    const row = document.querySelector<HTMLElement>('#sites-table tr[data-host="b.example"]')!;
    expect(row.dataset.denied).toBe('true');
    expect(row.querySelector('[data-site-action="deny"]')).toBeNull();
    expect(row.textContent).toContain('Denied');
    expect(text('notice')).toContain('b.example is on the deny list now');
  });

  it('marks a site the deny list already stops once the settings are read, without waiting for them first', async () => {
    let answer!: (test: (host: string) => boolean) => void;
    const actions = { ...fakeActions(), deniedTest: () => new Promise<(host: string) => boolean>((resolve) => (answer = resolve)) };
    await mount('', actions);
    // On screen before the settings answer.
    expect(rows('sites-table').map(([host]) => host)).toContain('c.example');
    answer((host) => host === 'c.example');
    await expect.poll(() => document.querySelector<HTMLElement>('#sites-table tr[data-host="c.example"]')!.dataset.denied).toBe('true');
    expect(document.querySelector<HTMLElement>('#sites-table tr[data-host="b.example"]')!.dataset.denied).toBe('false');
  });

  it('asks for the deny list only once the range and its pages table are on screen', async () => {
    const asked: (string | undefined)[] = [];
    const actions = fakeActions();
    const test = actions.deniedTest;
    actions.deniedTest = () => {
      asked.push(document.body.dataset.insightsPagesMs);
      return test();
    };
    await mount('', actions);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toBeDefined();
    expect(Number(asked[0])).toBeGreaterThanOrEqual(Number(document.body.dataset.insightsRenderedMs));
  });

  it('says why when the administrator locks the deny list', async () => {
    await mount('', fakeActions('locked'));
    document.querySelector<HTMLButtonElement>('button[data-site-action="deny"][data-host="b.example"]')!.click();
    await expect.poll(() => text('notice')).toBe('Your administrator sets the deny list: b.example cannot be added here.');
    expect(document.querySelector<HTMLElement>('#sites-table tr[data-host="b.example"]')!.dataset.denied).toBe('false');
  });

  it('"Delete site", confirmed, takes the site out of every total; Cancel keeps it', async () => {
    await mount();
    const dialog = document.getElementById('confirm') as HTMLDialogElement;
    const clickDelete = () => document.querySelector<HTMLButtonElement>('button[data-site-action="delete"][data-host="a.example"]')!.click();

    clickDelete();
    await expect.poll(() => dialog.open).toBe(true);
    expect(text('confirm-text')).toBe('Delete everything recorded on a.example? This cannot be undone.');
    dialog.close('cancel');
    expect(rows('sites-table').map(([host]) => host)).toContain('a.example');

    clickDelete();
    await expect.poll(() => dialog.open).toBe(true);
    dialog.close('confirm');
    await expect.poll(() => rows('sites-table').map(([host]) => host)).toEqual(['b.example', 'c.example', 'www.google.com']);
    expect(rows('timeline-table').map(([host]) => host)).toEqual(['b.example', 'c.example']);
    expect(text('total')).toBe('7m 0s in front');
    expect(text('notice')).toBe('Deleted 2 events from a.example.');
    await expect.poll(() => document.activeElement?.id).toBe('sites-heading');
    expect(await log.recent(100)).toHaveLength(5);
  });
});

describe('in German', () => {
  it('writes dates, durations and numbers the German way', async () => {
    await mount('?range=week&day=2026-11-27', fakeActions(), translatorFor('de'), 'de');
    expect(text('period-heading')!.replace(/\s/g, ' ')).toBe('23.–29. November 2026');
    expect(text('total')).toBe('1h 13 Min. im Vordergrund');
    expect(document.querySelector('#sites-table tbody tr td')!.textContent).toBe('1h 5 Min.');
    expect(document.querySelectorAll('#sites-table tbody tr td')[1]!.textContent).toBe('89\u00a0%');
    expect(document.querySelector('#days-table tbody th')!.textContent).toBe('Mo., 23. Nov.');
    expect(document.querySelector('[data-range="week"]')!.textContent).toBe('Woche');
    expect(document.documentElement.lang).toBe('de');
  });
});
