import { aggregatesStillToBuild, hasAggregates, readPageDays, readSiteDays, readSiteDaysIfFolded } from '../insights/aggregate-reads';
import { formatShare, pageTotals, periodEndingToday, siteTotals, type Period } from '../insights/summary';
import type { SiteDay } from '../store/aggregate-records';
import { openExistingLog } from '../store/open-existing-log';
import type { Translate } from './i18n';
import { formatDuration } from './log-row';

/** Sites the popup lists; the summary CSV has them all. */
export const TOP_SITES = 5;
/** Pages a site opens to in place. */
export const TOP_PAGES = 8;

/** What the summary needs from the log when the popup opens: the last 7 days of sites. */
export interface SummaryData {
  siteDays: SiteDay[];
  /** Events from before the aggregates still to be added (0: the summary is complete). */
  stillToBuild: number;
}

/** Reads what the summary shows, from an open log (one range read, a few dozen records; a fold first only when there is one to do). */
export async function readSummaryData(db: IDBDatabase, nowMs: number): Promise<SummaryData | null> {
  if (!hasAggregates(db)) return null;
  const week = periodEndingToday(7, nowMs);
  const siteDays = async () => (await readSiteDaysIfFolded(db, week.first, week.last)) ?? readSiteDays(db, week.first, week.last);
  const [days, stillToBuild] = await Promise.all([siteDays(), aggregatesStillToBuild(db)]);
  return { siteDays: days, stillToBuild };
}

export interface SummaryDeps {
  document: Document;
  factory: IDBFactory;
  t: Translate;
  locale?: string;
  clock?: () => number;
}

export interface PopupSummary {
  /** Renders what was read (null: no log yet). */
  show(data: SummaryData | null): void;
  /** Reads again and renders (after a delete). */
  refresh(): Promise<void>;
}

/**
 * The popup's summary (issue 15): today's foreground time, the top sites with a bar of their
 * share, a switch to the last 7 days, and each site opening its pages in place. Plain DOM,
 * no zod: it is part of the first paint. Keyboard: every control is a button (the period
 * switch `aria-pressed`, a site `aria-expanded`).
 * Test hooks: `data-summary-rendered-ms` on `<body>`, `data-host` / `data-seconds` per site.
 */
export function mountSummary({ document: doc, factory, t, locale, clock = Date.now }: SummaryDeps): PopupSummary {
  const total = doc.getElementById('summary-total')!;
  const list = doc.getElementById('summary-sites')!;
  const note = doc.getElementById('summary-note')!;
  const periodButtons = [...doc.querySelectorAll<HTMLButtonElement>('#summary [data-days]')];
  let days: 1 | 7 = 1;
  let data: SummaryData | null = null;

  const period = (): Period => periodEndingToday(days, clock());

  function render(): void {
    for (const button of periodButtons) button.setAttribute('aria-pressed', String(Number(button.dataset.days) === days));
    const { total: seconds, sites } = siteTotals(data?.siteDays ?? [], period());
    const duration = formatDuration(seconds, locale);
    total.textContent = days === 1 ? t('summaryTotalToday', duration) : t('summaryTotalWeek', duration);
    total.dataset.seconds = String(seconds);
    const shown = sites.filter((site) => site.seconds > 0).slice(0, TOP_SITES);
    list.replaceChildren(
      ...shown.map((site, i) => {
        const item = doc.createElement('li');
        item.className = 'summary-site';
        item.dataset.host = site.host;
        item.dataset.seconds = String(site.seconds);
        const button = doc.createElement('button');
        button.type = 'button';
        button.className = 'site-toggle';
        button.setAttribute('aria-expanded', 'false');
        button.setAttribute('aria-controls', `site-pages-${i}`);
        const host = span('site-host', site.host);
        const time = span('site-time', formatDuration(site.seconds, locale));
        const share = span('site-share', formatShare(site.share, locale));
        const bar = span('share-bar', '');
        bar.setAttribute('aria-hidden', 'true');
        const fill = span('share-fill', '');
        fill.style.width = `${(site.share * 100).toFixed(1)}%`;
        bar.append(fill);
        button.append(host, time, share, bar);
        // Spans next to each other would be read as one word.
        button.setAttribute('aria-label', `${site.host}, ${time.textContent}, ${share.textContent}`);
        const pages = doc.createElement('ul');
        pages.className = 'site-pages';
        pages.id = `site-pages-${i}`;
        pages.hidden = true;
        button.addEventListener('click', () => void togglePages(site.host, button, pages));
        item.append(button, pages);
        return item;
      }),
    );
    const more = sites.filter((site) => site.seconds > 0).length - shown.length;
    note.textContent = [
      shown.length === 0 ? (days === 1 ? t('summaryEmptyToday') : t('summaryEmptyWeek')) : '',
      more > 0 ? t('summaryMoreSites', more.toLocaleString(locale)) : '',
      data && data.stillToBuild > 0 ? t('summaryBuilding') : '',
    ]
      .filter(Boolean)
      .join(' ');
    doc.body.dataset.summaryRenderedMs ??= performance.now().toFixed(1);
    doc.body.dataset.summaryDays = String(days);
  }

  function span(className: string, text: string): HTMLSpanElement {
    const element = doc.createElement('span');
    element.className = className;
    element.textContent = text;
    return element;
  }

  async function togglePages(host: string, button: HTMLButtonElement, pages: HTMLUListElement): Promise<void> {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    pages.hidden = !open;
    if (!open) return;
    const { first, last } = period();
    const db = await openExistingLog(factory);
    const rows = db ? pageTotals(await readPageDays(db, first, last, host)) : [];
    db?.close();
    pages.replaceChildren(
      ...rows
        .filter((page) => page.seconds > 0)
        .slice(0, TOP_PAGES)
        .map((page) => {
          const item = doc.createElement('li');
          const title = span('page-title', page.title);
          title.title = page.url;
          item.append(title, span('page-time', formatDuration(page.seconds, locale)));
          return item;
        }),
    );
  }

  for (const button of periodButtons) {
    button.addEventListener('click', () => {
      days = Number(button.dataset.days) === 7 ? 7 : 1;
      render();
    });
  }

  return {
    show(read) {
      data = read;
      render();
    },
    async refresh() {
      const db = await openExistingLog(factory);
      data = db ? await readSummaryData(db, clock()) : null;
      db?.close();
      render();
    },
  };
}
