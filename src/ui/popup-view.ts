import type { SendRequest } from '../messaging/protocol';
import { getItems, watchItems, type StorageEvents, type StoredArea } from '../platform/stored-item';
import { isPaused } from '../settings/pause';
import { syncConfigured, type Settings } from '../settings/settings';
import type { SettingsReader } from '../settings/settings-reader';
import { readSettings } from '../settings/settings-store';
import type { EventLog } from '../store/event-log';
import type { StoredLogEntry } from '../store/log-entry';
import { LOG_HEALTH, PAUSE, SYNC_STATUS, type LogHealth } from '../settings/stored-items';
import type { SyncReport } from '../sync/sync-engine';
import type { SiteDay } from '../store/aggregate-records';
import {
  EXPORT_FORMATS,
  EXPORT_MEDIA_TYPES,
  exportFileName,
  exportLog,
  exportSummaryCsv,
  summaryFileName,
  type ExportFormat,
} from './export-log';
import { askToConfirm } from './confirm-dialog';
import { groupViews } from './group-views';
import { localizePage, type Translate } from './i18n';
import { matchesSearch, searchTerms } from './log-search';
import { toLogRow, type LogRowView } from './log-row';
import { PAGE_SIZE } from './popup-first-paint';
import { renderLog, type RowAction } from './render-log';
import { notSavedLine, statusLine } from './status-line';

const EXPORT_CHUNK = 5_000;
const SEARCH_DELAY_MS = 150;
const HOUR_MS = 3_600_000;


export interface PopupDeps {
  document: Document;
  log: EventLog;
  local: StoredArea;
  /** The settings in force, with the administrator's policy; may answer slowly at first, see `showStatus`. */
  settings: Pick<SettingsReader, 'settings' | 'onChange'>;
  /** storage.session: whether capture's writes reach the log (`LOG_HEALTH`). */
  session?: StoredArea;
  /** `browser.storage`: the status line follows sync's status, the pause and the log's health. */
  events?: StorageEvents;
  sendMessage: SendRequest;
  openOptions: () => void;
  t: Translate;
  locale?: string;
  clock?: () => number;
  /** Every day × site total of the daily summary, for its CSV export. */
  readSummaryDays?: () => Promise<SiteDay[]>;
  /** After the popup deleted something: the summary reads its totals again. */
  onLogChanged?: () => Promise<void>;
  /** The newest records already on screen (`paintFirstPage`), so they are not read twice. */
  firstPage?: StoredLogEntry[] | null;
}

/** What "Sync now" did, in words; failures are detailed by the status line below it. */
export function syncOutcomeText(report: Pick<SyncReport, 'outcome' | 'sent' | 'rejected'>, t: Translate): string {
  switch (report.outcome) {
    case 'done':
      return report.rejected > 0 ? t('syncDoneWithRejected', report.sent, report.rejected) : t('syncDone', report.sent);
    case 'disabled':
      return t('syncDisabled');
    case 'busy':
      return t('syncBusy');
    case 'refusing':
      return t('syncRefusing');
    default:
      return t('syncFailed');
  }
}

/**
 * The popup (docs/design.md §7). The list comes first and alone — the status line's counts read
 * the whole state index and would delay it on a large log — then everything else.
 * Test hooks on `<body>`: `data-loaded` after the first render, `data-list-rendered-ms` (time
 * from navigation to the list in the DOM), `data-search` (the query the list shows),
 * `data-last-sync` (the outcome of "Sync now").
 */
export function mountPopup(deps: PopupDeps): Promise<void> {
  const { document: doc, log, local, t, locale, clock = Date.now } = deps;
  const byId = <E extends HTMLElement>(id: string) => doc.getElementById(id) as E;
  const list = byId<HTMLUListElement>('log');
  const more = byId<HTMLButtonElement>('more');
  const empty = byId<HTMLParagraphElement>('empty');
  const notice = byId<HTMLParagraphElement>('notice');
  const searchBox = byId<HTMLInputElement>('search');
  const pauseButton = byId<HTMLButtonElement>('pause');
  const resumeButton = byId<HTMLButtonElement>('resume');
  const pauseMenu = byId<HTMLDivElement>('pause-menu');
  const exportButton = byId<HTMLButtonElement>('export');
  const exportMenu = byId<HTMLDivElement>('export-menu');
  const dialog = byId<HTMLDialogElement>('confirm');
  const retryRejectedButton = byId<HTMLButtonElement>('retry-rejected');

  localizePage(doc, t);
  doc.documentElement.lang = locale ?? doc.documentElement.lang;

  /** What the list shows: the newest records, or the matches of a search. */
  let shown: StoredLogEntry[] = [];
  let rows = new Map<number, LogRowView>();
  let next: number | null = null;
  let query = '';
  /** Bumped by every new load, so a slower earlier one cannot overwrite it. */
  let generation = 0;

  function render(): void {
    const now = clock();
    const views = groupViews(shown).map((item) => toLogRow(item, now, locale));
    rows = new Map(views.map((row) => [row.seq, row]));
    renderLog(list, views, t);
    empty.hidden = views.length > 0;
    empty.textContent = query === '' ? t('emptyLog') : t('noMatches', query);
    more.hidden = next === null;
  }

  /** Reads a page, newest first, from `before` on (the start when undefined). */
  async function readPage(before?: number): Promise<{ entries: StoredLogEntry[]; next: number | null }> {
    if (query === '') {
      const entries = await log.recent(PAGE_SIZE, before);
      return { entries, next: entries.length < PAGE_SIZE ? null : entries.at(-1)!.seq };
    }
    const terms = searchTerms(query, locale);
    return log.search((entry) => matchesSearch(entry, terms, locale), PAGE_SIZE, before);
  }

  async function loadFirstPage(): Promise<void> {
    const mine = ++generation;
    const page = await readPage();
    if (mine !== generation) return;
    shown = page.entries;
    next = page.next;
    render();
    doc.body.dataset.search = query;
    if (query !== '') notice.textContent = page.entries.length === 0 ? '' : t('searchShowing', groupViews(shown).length);
  }

  async function loadMore(): Promise<void> {
    if (next === null) return;
    const mine = generation;
    const page = await readPage(next);
    if (mine !== generation) return;
    const firstNew = page.entries[0]?.seq;
    shown = [...shown, ...page.entries];
    next = page.next;
    render();
    // Keyboard users land on the first row that was added, not back at the top.
    if (firstNew !== undefined) {
      const rowOf = [...rows.values()].find((row) => row.seq <= firstNew);
      list.querySelector<HTMLElement>(`[data-seq="${rowOf?.seq ?? firstNew}"] button`)?.focus();
    }
  }

  /**
   * Chromium answers the first `storage.managed` read after a browser start seconds late, so
   * the status line first uses the user's own settings and is redone once the policy is known
   * (it can only change whether sync counts as configured).
   */
  let settingsInForce: Promise<Settings> = readSettings(local, undefined);
  const withPolicy = deps.settings.settings();
  void withPolicy.then(
    (settings) => {
      settingsInForce = Promise.resolve(settings);
      if (doc.body.dataset.loaded) void showStatus().catch(showFailure);
    },
    () => undefined,
  );

  async function showStatus(): Promise<void> {
    const [counts, settings, [sync, pause], health] = await Promise.all([
      // Only pending and rejected: counting `sent` reads up to the whole log (100,000 records by default).
      Promise.all([log.countState('pending'), log.countState('rejected')]).then(
        (found) => ({ found }),
        (error: unknown) => ({ error }),
      ),
      settingsInForce,
      getItems({ local }, [SYNC_STATUS, PAUSE]),
      readLogHealth(),
    ]);
    if ('error' in counts) {
      // A disk that refuses writes can refuse opening the log too: the user still learns why.
      if (!health.failing) throw counts.error;
      showUnreadableLog(counts.error, health);
      return;
    }
    const [pending, rejected] = counts.found;
    const now = clock();
    const paused = isPaused(pause, now);
    doc.getElementById('status')!.textContent = statusLine(
      {
        paused,
        pausedUntil: pause?.until ?? null,
        pending,
        sync,
        syncConfigured: syncConfigured(settings),
        now,
        locale,
        logHealth: health,
      },
      t,
    );
    retryRejectedButton.hidden = rejected === 0;
    const pauseHadFocus = doc.activeElement === pauseButton || pauseMenu.contains(doc.activeElement);
    const resumeHadFocus = doc.activeElement === resumeButton;
    pauseButton.hidden = paused;
    resumeButton.hidden = !paused;
    if (paused) closeMenu(pauseButton, pauseMenu, false);
    // Keep the keyboard where it was when one button replaces the other.
    if (paused && pauseHadFocus) resumeButton.focus();
    if (!paused && resumeHadFocus) pauseButton.focus();
    doc.body.dataset.paused = String(paused);
  }

  const tellBackground = () =>
    Promise.all([deps.sendMessage({ type: 'logChanged' }).catch(() => undefined), deps.onLogChanged?.().catch(showFailure)]);

  // Menus: a button that opens a group of buttons below it; Escape closes and returns focus.
  function openMenu(button: HTMLButtonElement, menu: HTMLElement): void {
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    menu.querySelector('button')?.focus();
  }
  function closeMenu(button: HTMLButtonElement, menu: HTMLElement, refocus = true): void {
    if (menu.hidden) return;
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    if (refocus) button.focus();
  }
  for (const [button, menu] of [
    [pauseButton, pauseMenu],
    [exportButton, exportMenu],
  ] as const) {
    button.addEventListener('click', () => (menu.hidden ? openMenu(button, menu) : closeMenu(button, menu)));
    menu.addEventListener('keydown', (key) => {
      if (key.key === 'Escape') {
        key.preventDefault();
        closeMenu(button, menu);
      }
    });
  }

  /** Asks before something that cannot be undone; resolves to the user's answer. */
  const confirm = (question: string, confirmLabel: string): Promise<boolean> =>
    askToConfirm(dialog, { text: byId('confirm-text'), yes: byId('confirm-yes'), no: byId('confirm-no') }, question, confirmLabel);

  async function deleteRow(row: LogRowView): Promise<void> {
    for (const id of row.ids) await log.deleteEvent(id);
    const removed = new Set(row.ids);
    const position = [...rows.keys()].indexOf(row.seq);
    shown = shown.filter((entry) => !removed.has(entry.event.id));
    render();
    notice.textContent = t('deletedRow', row.title);
    const remaining = list.querySelectorAll<HTMLElement>('.log-row');
    (remaining[Math.min(position, remaining.length - 1)]?.querySelector('button') ?? searchBox).focus();
    await Promise.all([showStatus(), tellBackground()]);
  }

  async function deleteSite(host: string): Promise<void> {
    if (!(await confirm(t('confirmDeleteSite', host), t('confirmDelete')))) return;
    const count = await log.deleteSite(host);
    notice.textContent = t('deletedSite', count.toLocaleString(locale), host);
    await Promise.all([loadFirstPage(), showStatus(), tellBackground()]);
    searchBox.focus();
  }

  list.addEventListener('click', (click) => {
    const button = (click.target as HTMLElement).closest<HTMLButtonElement>('button[data-row-action]');
    const seq = Number(button?.closest<HTMLElement>('.log-row')?.dataset.seq);
    const row = rows.get(seq);
    if (!button || !row) return;
    const action = button.dataset.rowAction as RowAction;
    void (action === 'delete-row' ? deleteRow(row) : deleteSite(row.host)).catch(showFailure);
  });

  byId('delete-all').addEventListener('click', async () => {
    if (!(await confirm(t('confirmDeleteAll'), t('confirmDeleteAllYes')))) return;
    await log.deleteAll();
    notice.textContent = t('deletedAll');
    await Promise.all([loadFirstPage(), showStatus(), tellBackground()]);
  });

  more.addEventListener('click', () => void loadMore().catch(showFailure));

  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  searchBox.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      query = searchBox.value.trim();
      notice.textContent = '';
      void loadFirstPage().catch(showFailure);
    }, SEARCH_DELAY_MS);
  });

  /** "Sync now", and after "Retry rejected": the background sends at once and answers what it did. */
  async function syncNow(button: HTMLButtonElement, before?: () => Promise<void>): Promise<void> {
    button.disabled = true;
    notice.textContent = t('syncing');
    try {
      await before?.();
      const report = await deps.sendMessage({ type: 'syncNow' });
      notice.textContent = syncOutcomeText(report, t);
      doc.body.dataset.lastSync = report.outcome;
    } catch (error) {
      notice.textContent = t('syncCouldNotStart', String(error));
      doc.body.dataset.lastSync = 'error';
    } finally {
      button.disabled = false;
      button.focus();
      await Promise.all([loadFirstPage(), showStatus()]);
      // "Retry rejected" hides once nothing is rejected: the keyboard goes on from "Sync now".
      if (button.hidden) byId('sync-now').focus();
    }
  }
  byId('sync-now').addEventListener('click', (click) => void syncNow(click.currentTarget as HTMLButtonElement).catch(showFailure));
  // Rejected events (docs/design.md §5) go back to pending, e.g. once the server was fixed, and are sent at once.
  retryRejectedButton.addEventListener('click', () =>
    void syncNow(retryRejectedButton, async () => {
      const retried = await log.retryRejected();
      notice.textContent = t('retriedRejected', retried.toLocaleString(locale));
    }).catch(showFailure),
  );

  const pause = (until: number | null) => async () => {
    await PAUSE.set({ local }, { until });
    await showStatus();
  };
  byId('pause-indefinitely').addEventListener('click', pause(null));
  byId('pause-hour').addEventListener('click', () => void pause(clock() + HOUR_MS)());
  resumeButton.addEventListener('click', async () => {
    await PAUSE.remove({ local });
    await showStatus();
  });

  for (const format of EXPORT_FORMATS) {
    exportMenu.querySelector(`[data-format="${format}"]`)!.addEventListener('click', () => {
      void exportAs(format).catch(showFailure);
    });
  }
  async function exportAs(format: ExportFormat): Promise<void> {
    closeMenu(exportButton, exportMenu);
    notice.textContent = t('exporting');
    // Paged reads keep each transaction short while sync or capture write.
    const newestFirst: StoredLogEntry[] = [];
    for (let before: number | undefined; ; ) {
      const page = await log.recent(EXPORT_CHUNK, before);
      newestFirst.push(...page);
      if (page.length < EXPORT_CHUNK) break;
      before = page.at(-1)!.seq;
    }
    const text = exportLog(format, newestFirst.reverse());
    download(text, EXPORT_MEDIA_TYPES[format], exportFileName(format, clock()));
    notice.textContent = t('exported', newestFirst.length.toLocaleString(locale), format.toUpperCase());
  }

  function download(text: string, type: string, name: string): void {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const link = doc.createElement('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    doc.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  byId('export-summary').addEventListener('click', () => {
    void (async () => {
      closeMenu(exportButton, exportMenu);
      const days = (await deps.readSummaryDays?.()) ?? [];
      download(exportSummaryCsv(days), EXPORT_MEDIA_TYPES.csv, summaryFileName(clock()));
      notice.textContent = t('exportedSummary', days.length.toLocaleString(locale));
    })().catch(showFailure);
  });

  byId('options').addEventListener('click', () => deps.openOptions());

  if (deps.events) {
    LOG_HEALTH.watch(deps.events, () => {
      // A popup opened while the disk refused even reads loads once the log is back.
      if (doc.body.dataset.loaded === 'failed') void load().catch(loadFailed);
      else void showStatus().catch(showFailure);
    });
    watchItems(deps.events, [SYNC_STATUS, PAUSE], () => void showStatus().catch(showFailure));
  }

  deps.settings.onChange(() => {
    settingsInForce = deps.settings.settings();
    void showStatus().catch(showFailure);
  });

  async function readLogHealth(): Promise<LogHealth> {
    const session = deps.session;
    return session ? LOG_HEALTH.get({ session }).catch(() => LOG_HEALTH.fallback) : LOG_HEALTH.fallback;
  }

  /** The status line when the log cannot be read: the writes' trouble first, when there is one. */
  function showUnreadableLog(error: unknown, health: LogHealth): void {
    const unreadable = t('couldNotReadLog', String(error));
    doc.getElementById('status')!.textContent = health.failing ? `${notSavedLine(health, t, locale)} · ${unreadable}` : unreadable;
  }

  function showFailure(error: unknown): void {
    notice.textContent = t('somethingFailed', error instanceof Error ? error.message : String(error));
  }

  /** The first render; after a failed one, done again when the log's health changes. */
  let firstPage = deps.firstPage;
  const load = async (): Promise<void> => {
    if (firstPage) {
      shown = firstPage;
      firstPage = null;
      next = shown.length < PAGE_SIZE ? null : shown.at(-1)!.seq;
      render();
      doc.body.dataset.search = '';
    } else await loadFirstPage();
    doc.body.dataset.listRenderedMs ??= performance.now().toFixed(1);
    await showStatus();
    doc.body.dataset.loaded = 'true';
  };
  return load().catch(loadFailed);
  async function loadFailed(error: unknown): Promise<void> {
    showUnreadableLog(error, await readLogHealth());
    // Told apart from a popup still loading.
    doc.body.dataset.loaded = 'failed';
  }
}
