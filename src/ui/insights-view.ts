import { chartHosts, dailyBars, hourRows, timelineSegments, type DayBar, type TimelineSegment } from '../insights/insights-model';
import { formatClock, formatClockRange, formatDay, formatDayAndClock, formatRange } from '../insights/insights-format';
import { includesToday, isDayKey, periodOf, rangeFromSearch, searchOfRange, shiftRange, type InsightsRange, type RangeKind } from '../insights/insights-range';
import { readInsightsData, SEARCHES_SHOWN, type InsightsData } from '../insights/insights-read';
import { hasAggregates } from '../insights/aggregate-reads';
import { readPeriodPages } from '../insights/month-pages';
import { formatShare, siteTotals, type PageTotal } from '../insights/summary';
import type { DenyOutcome } from '../settings/deny-site';
import { dayKey } from '../store/local-day';
import { openExistingLog } from '../store/open-existing-log';
import { askToConfirm } from './confirm-dialog';
import { siteClass, dayBarsChart, timelineChart } from './insights-charts';
import { dataTable, numberCell, siteLabel, type TableRow } from './insights-tables';
import { localizePage, type Translate } from './i18n';
import { formatDuration } from './log-row';

/** Rows listed at most; the charts and totals always hold everything. */
export const TIMELINE_ROWS = 300;
export const PAGE_ROWS = 50;
export const SITE_ROWS = 100;

/** What the page does to a site, wired by the entrypoint (the log and the settings). */
export interface InsightsActions {
  /** Deletes every event and aggregate of the site; resolves to the events deleted. */
  deleteSite(host: string): Promise<number>;
  denySite(host: string): Promise<DenyOutcome>;
  /** A test of whether the deny list in force stops a site (read once per render). */
  deniedTest(): Promise<(host: string) => boolean>;
}

export interface InsightsDeps {
  document: Document;
  factory: IDBFactory;
  actions: InsightsActions;
  t: Translate;
  locale?: string;
  clock?: () => number;
  /** The page address's query (`?range=week&day=…`), and a way to replace it. */
  search: string;
  replaceSearch?: (search: string) => void;
  /** Notes a step of the first range's opening (the entrypoint: `performance.mark`). */
  mark?: (step: string) => void;
}

export interface InsightsPage {
  /** Reads the range again and renders it (resolves once it is on screen). */
  refresh(): Promise<void>;
  show(range: InsightsRange): Promise<void>;
}

/**
 * The Insights page (docs/design.md §7a): for a day, a week or a month, the total time in
 * front, a timeline of the day or a stacked bar per day, time per site and per page, the
 * searches, and Deny / Delete per site. Everything is read from the daily aggregates (§4).
 * Test hooks on `<body>`: `data-insights-read-ms`, `data-insights-rendered-ms` and
 * `data-insights-pages-ms` (from navigation start to the first range's first read, its paint,
 * and its pages table), `data-range` (`kind day` shown), `data-renders` (counts completed
 * renders: both steps, or a Deny).
 */
export function mountInsights(deps: InsightsDeps): InsightsPage {
  const { document: doc, factory, actions, t, locale, clock = Date.now } = deps;
  /** Steps of the first range only: what the benchmark breaks the opening into. */
  let marking = true;
  const mark = (step: string) => {
    if (marking) deps.mark?.(`insights:${step}`);
  };
  const byId = <E extends HTMLElement>(id: string) => doc.getElementById(id) as E;
  const rangeButtons = [...doc.querySelectorAll<HTMLButtonElement>('[data-range]')];
  const dayInput = byId<HTMLInputElement>('range-day');
  const previous = byId<HTMLButtonElement>('range-previous');
  const next = byId<HTMLButtonElement>('range-next');
  const notice = byId('notice');
  const dialog = byId<HTMLDialogElement>('confirm');

  localizePage(doc, t);
  doc.documentElement.lang = locale ?? doc.documentElement.lang;

  let range = rangeFromSearch(deps.search, clock());
  let data: InsightsData | null = null;
  /** The range's pages, most time first, once read (null: still being read). */
  let pages: PageTotal[] | null = null;
  let generation = 0;
  let renders = 0;
  /** Denied from this page: marked at once, before the settings reader has seen the change. */
  const deniedHere = new Set<string>();
  /** The deny list in force, once read (read again when the page becomes visible). */
  let deniedTest: ((host: string) => boolean) | undefined;
  let askingDenied = false;

  const duration = (seconds: number) => formatDuration(seconds, locale);

  /**
   * Reads and paints a range in two steps: first the site days, searches and (a day) its views,
   * which stay small whatever the log holds; then the pages (a month's from its summary, §4),
   * which fill the pages table.
   */
  async function show(wanted: InsightsRange): Promise<void> {
    const mine = ++generation;
    mark('open');
    const db = await openExistingLog(factory);
    mark('opened');
    try {
      const period = periodOf(wanted);
      const first = db && hasAggregates(db) ? await readInsightsData(db, period, SEARCHES_SHOWN, (part) => mark(`read:${part}`)) : null;
      mark('read');
      doc.body.dataset.insightsReadMs ??= performance.now().toFixed(1);
      if (mine !== generation) return;
      range = wanted;
      data = first;
      pages = null;
      deps.replaceSearch?.(searchOfRange(range));
      render();
      mark('rendered');
      doc.body.dataset.insightsRenderedMs ??= performance.now().toFixed(1);
      const read = first && db ? await readPeriodPages(db, period, first.siteDays, dayKey(clock())) : [];
      mark('pages:read');
      if (mine !== generation) return;
      pages = read;
      renderPages(sitesShown().hosts);
      mark('pages:rendered');
      marking = false;
      doc.body.dataset.insightsPagesMs ??= performance.now().toFixed(1);
      doc.body.dataset.renders = String(++renders);
    } finally {
      db?.close();
    }
    markDenied();
  }

  /** The range's sites with time or searches, and the top ones the charts colour. */
  function sitesShown() {
    const { total, sites } = siteTotals(data?.siteDays ?? []);
    const shownSites = sites.filter((site) => site.seconds > 0 || site.searches > 0);
    return { total, shownSites, hosts: chartHosts(shownSites) };
  }

  /**
   * Reads the deny list in force and marks the rows it stops. Asked once both steps are on
   * screen: the settings' code (zod, the log's schemas) loads for it, and the first read of
   * the policy can take seconds in Chromium, so neither the figures nor the pages table wait
   * for it (docs/design.md §7a).
   */
  function markDenied(): void {
    if (deniedTest || askingDenied) return;
    askingDenied = true;
    void actions.deniedTest().then(
      (test) => {
        askingDenied = false;
        mark('denied');
        deniedTest = test;
        const { shownSites, hosts } = sitesShown();
        if (shownSites.some((site) => test(site.host))) renderSites(shownSites, hosts);
      },
      () => {
        askingDenied = false;
      },
    );
  }

  function render(): void {
    const now = clock();
    for (const button of rangeButtons) button.setAttribute('aria-pressed', String(button.dataset.range === range.kind));
    dayInput.value = range.day;
    dayInput.max = dayKey(now);
    next.disabled = includesToday(range, now) || periodOf(range).last >= dayKey(now);
    byId('period-heading').textContent = formatRange(range, locale);

    const { total, shownSites, hosts } = sitesShown();
    const totalLine = byId('total');
    totalLine.textContent = total > 0 ? t('insightsTotal', duration(total)) : t('insightsEmpty');
    totalLine.dataset.seconds = String(total);
    byId('building').textContent = data && data.stillToBuild > 0 ? t('summaryBuilding') : '';

    const isDay = range.kind === 'day';
    byId('timeline-section').hidden = !isDay;
    byId('days-section').hidden = isDay;
    if (isDay) renderTimeline(hosts);
    else renderDays(hosts);
    renderPages(hosts);
    renderSearches();
    renderSites(shownSites, hosts);

    doc.body.dataset.range = `${range.kind} ${range.day}`;
  }

  function renderTimeline(hosts: string[]): void {
    const spans = data?.spans ?? [];
    const segments = timelineSegments(spans);
    const describe = (segment: TimelineSegment) =>
      t('stretchTooltip', segment.host, formatClockRange(segment.start, segment.end, locale), duration(segment.seconds));
    byId('timeline-chart').replaceChildren(
      ...(segments.length > 0 ? [timelineChart(doc, { day: range.day, segments, hosts, labelledBy: 'timeline-heading', locale, describe })] : []),
    );
    const rows: TableRow[] = segments.slice(0, TIMELINE_ROWS).map((segment) => ({
      cells: [
        formatClockRange(segment.start, segment.end, locale),
        siteLabel(doc, segment.host, siteClass(segment.host, hosts)),
        segment.title,
        numberCell(doc, duration(segment.seconds)),
      ],
      data: { host: segment.host, seconds: String(segment.seconds), start: String(segment.start) },
    }));
    const table = byId('timeline-table');
    table.replaceChildren(
      ...(segments.length > 0
        ? [dataTable(doc, 'timeline-heading', [t('colTime'), t('colSite'), t('colPage'), t('colInFront')], rows)]
        : []),
    );
    byId('timeline-note').textContent =
      segments.length === 0 ? t('timelineEmpty') : segments.length > TIMELINE_ROWS ? t('timelineMore', TIMELINE_ROWS.toLocaleString(locale), segments.length.toLocaleString(locale)) : '';

    const hours = hourRows(spans, range.day);
    byId('hours-table').replaceChildren(
      ...(hours.length > 0
        ? [
            dataTable(
              doc,
              'hours-heading',
              [t('colHour'), t('colInFront'), t('colSites')],
              hours.map((hour) => ({
                cells: [
                  formatClockRange(hour.start, hour.start + 3_600_000, locale),
                  numberCell(doc, duration(hour.seconds)),
                  hour.sites
                    .slice(0, 3)
                    .map((site) => `${site.host} ${duration(site.seconds)}`)
                    .join(', ') + (hour.sites.length > 3 ? ', …' : ''),
                ],
                data: { hour: String(hour.start), seconds: String(hour.seconds) },
              })),
            ),
          ]
        : []),
    );
    byId('hours-section').hidden = hours.length === 0;
  }

  function renderDays(hosts: string[]): void {
    const bars = dailyBars(data?.siteDays ?? [], periodOf(range), hosts);
    const describe = (bar: DayBar) => t('dayTooltip', formatDay(bar.day, locale), duration(bar.total));
    byId('days-chart').replaceChildren(dayBarsChart(doc, { bars, hosts, labelledBy: 'days-heading', locale, describe, scaleLabel: duration }));
    const anyOther = bars.some((bar) => bar.other > 0);
    byId('days-table').replaceChildren(
      dataTable(
        doc,
        'days-heading',
        [
          t('colDay'),
          ...hosts.map((host) => siteLabel(doc, host, siteClass(host, hosts))),
          ...(anyOther ? [siteLabel(doc, t('otherSites'), 'site-other')] : []),
          t('colTotal'),
        ],
        bars.map((bar) => ({
          cells: [
            formatDay(bar.day, locale),
            ...bar.seconds.map((seconds) => numberCell(doc, duration(seconds))),
            ...(anyOther ? [numberCell(doc, duration(bar.other))] : []),
            numberCell(doc, duration(bar.total)),
          ],
          data: { day: bar.day, seconds: String(bar.total) },
        })),
      ),
    );
  }

  function renderSites(sites: ReturnType<typeof siteTotals>['sites'], hosts: string[]): void {
    const listed = sites.slice(0, SITE_ROWS);
    const denied = listed.map((site) => deniedHere.has(site.host) || (deniedTest?.(site.host) ?? false));
    const rows: TableRow[] = listed.map((site, i) => {
      const cellActions = doc.createElement('span');
      cellActions.className = 'row-actions';
      if (denied[i]) {
        const mark = doc.createElement('span');
        mark.className = 'denied-mark';
        mark.textContent = t('deniedMark');
        cellActions.append(mark);
      } else if (site.host !== '') {
        cellActions.append(actionButton('deny', site.host, t('denySite'), t('denySiteLabel', site.host)));
      }
      cellActions.append(actionButton('delete', site.host, t('deleteSite'), t('deleteSiteLabel', site.host), 'danger'));
      return {
        cells: [
          siteLabel(doc, site.host, siteClass(site.host, hosts)),
          numberCell(doc, duration(site.seconds)),
          numberCell(doc, formatShare(site.share, locale)),
          numberCell(doc, site.views.toLocaleString(locale)),
          numberCell(doc, site.searches.toLocaleString(locale)),
          cellActions,
        ],
        data: { host: site.host, seconds: String(site.seconds), denied: String(denied[i]) },
      };
    });
    byId('sites-table').replaceChildren(
      ...(rows.length > 0
        ? [dataTable(doc, 'sites-heading', [t('colSite'), t('colInFront'), t('colShare'), t('colViews'), t('colSearches'), t('colActions')], rows)]
        : []),
    );
    byId('sites-note').textContent =
      sites.length > SITE_ROWS ? t('sitesMore', (sites.length - SITE_ROWS).toLocaleString(locale)) : rows.length === 0 ? t('insightsEmpty') : '';
  }

  function actionButton(action: 'deny' | 'delete', host: string, text: string, label: string, className = ''): HTMLButtonElement {
    const button = doc.createElement('button');
    button.type = 'button';
    button.textContent = text;
    button.setAttribute('aria-label', label);
    button.dataset.siteAction = action;
    button.dataset.host = host;
    if (className) button.className = className;
    return button;
  }

  function renderPages(hosts: string[]): void {
    const shown = (pages ?? []).filter((page) => page.seconds > 0);
    byId('pages-table').replaceChildren(
      ...(shown.length > 0
        ? [
            dataTable(
              doc,
              'pages-heading',
              [t('colPage'), t('colSite'), t('colInFront'), t('colViews')],
              shown.slice(0, PAGE_ROWS).map((page) => {
                const title = doc.createElement('span');
                title.className = 'page-title';
                title.title = page.url;
                title.textContent = page.title;
                return {
                  cells: [title, siteLabel(doc, page.host, siteClass(page.host, hosts)), numberCell(doc, duration(page.seconds)), numberCell(doc, page.views.toLocaleString(locale))],
                  data: { url: page.url, seconds: String(page.seconds) },
                };
              }),
            ),
          ]
        : []),
    );
    byId('pages-note').textContent =
      pages === null
        ? t('pagesLoading')
        : shown.length > PAGE_ROWS
          ? t('pagesMore', (shown.length - PAGE_ROWS).toLocaleString(locale))
          : shown.length === 0
            ? t('insightsEmpty')
            : '';
  }

  function renderSearches(): void {
    const searches = data?.searches ?? [];
    const count = data?.searchCount ?? 0;
    const when = (at: number) => (range.kind === 'day' ? formatClock(at, locale) : formatDayAndClock(at, locale));
    byId('searches-table').replaceChildren(
      ...(searches.length > 0
        ? [
            dataTable(
              doc,
              'searches-heading',
              [t('colTime'), t('colQuery'), t('colSite')],
              searches.map((search) => ({ cells: [when(search.at), search.query, search.host], data: { host: search.host } })),
            ),
          ]
        : []),
    );
    byId('searches-note').textContent =
      count === 0 ? t('searchesEmpty') : count > searches.length ? t('searchesMore', Math.min(SEARCHES_SHOWN, searches.length).toLocaleString(locale), count.toLocaleString(locale)) : '';
  }

  // Range controls.
  for (const button of rangeButtons) {
    button.addEventListener('click', () => void show({ kind: button.dataset.range as RangeKind, day: range.day }).catch(showFailure));
  }
  previous.addEventListener('click', () => void show(shiftRange(range, -1)).catch(showFailure));
  next.addEventListener('click', () => void show(shiftRange(range, 1)).catch(showFailure));
  byId('range-today').addEventListener('click', () => void show({ kind: range.kind, day: dayKey(clock()) }).catch(showFailure));
  dayInput.addEventListener('change', () => {
    if (isDayKey(dayInput.value)) void show({ kind: range.kind, day: dayInput.value }).catch(showFailure);
  });

  // Deny and Delete, per site.
  byId('sites-table').addEventListener('click', (click) => {
    const button = (click.target as HTMLElement).closest<HTMLButtonElement>('button[data-site-action]');
    if (!button) return;
    const host = button.dataset.host ?? '';
    void (button.dataset.siteAction === 'deny' ? deny(host) : remove(host)).catch(showFailure);
  });

  async function deny(host: string): Promise<void> {
    const outcome = await actions.denySite(host);
    if (outcome === 'denied' || outcome === 'already') deniedHere.add(host);
    const words = { denied: 'deniedSite', already: 'denyAlready', locked: 'denyLocked', invalid: 'denyInvalid' } as const;
    notice.textContent = t(words[outcome], host);
    render();
    doc.body.dataset.renders = String(++renders);
    focusSiteRow(host);
  }

  async function remove(host: string): Promise<void> {
    const confirmed = await askToConfirm(
      dialog,
      { text: byId('confirm-text'), yes: byId('confirm-yes'), no: byId('confirm-no') },
      t('confirmDeleteSite', host),
      t('confirmDelete'),
    );
    if (!confirmed) return;
    const count = await actions.deleteSite(host);
    notice.textContent = t('deletedSite', count.toLocaleString(locale), host);
    await show(range);
    // The row is gone: the keyboard goes on from the table's heading.
    const heading = byId('sites-heading');
    heading.tabIndex = -1;
    heading.focus();
  }

  function focusSiteRow(host: string): void {
    const row = [...doc.querySelectorAll<HTMLElement>('#sites-table tbody tr')].find((item) => item.dataset.host === host);
    row?.querySelector<HTMLButtonElement>('button')?.focus();
  }

  function showFailure(error: unknown): void {
    notice.textContent = t('somethingFailed', error instanceof Error ? error.message : String(error));
  }

  // Back to the page after reading elsewhere: the figures of now.
  doc.addEventListener('visibilitychange', () => {
    if (doc.visibilityState !== 'visible') return;
    deniedTest = undefined;
    void show(range).catch(showFailure);
  });

  return { refresh: () => show(range), show };
}
