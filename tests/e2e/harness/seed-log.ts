import type { Page } from 'playwright-core';
import type { PageDay, SearchMade, SiteDay, ViewSpan } from '../../../src/store/aggregate-records';
import { contributionOf } from '../../../src/store/daily-aggregates';
import type { StoredLogEntry } from '../../../src/store/log-entry';

/** A record to put in the log as it is stored (`seq` is assigned by IndexedDB). */
export type SeedEntry = Omit<StoredLogEntry, 'seq'>;

/**
 * Writes records straight into the extension's log (IndexedDB `activity-log`, store `events`)
 * from one of its pages, in transactions of 5,000. For content no real navigation could make
 * quickly: hosts other than the test server, rejected events, 100,000 records. The page must
 * have opened the log once (the popup and options pages do), so the schema exists.
 */
export function seedLog(page: Page, entries: readonly SeedEntry[]): Promise<void> {
  return page.evaluate(async (entries) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('activity-log');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    for (let start = 0; start < entries.length; start += 5_000) {
      const tx = db.transaction(['events', 'counters'], 'readwrite');
      for (const entry of entries.slice(start, start + 5_000)) tx.objectStore('events').add(entry);
      // Seeded records are no appends: marked folded in the same transaction, the readers' fold
      // leaves them out of the totals (docs/design.md §4), which are seeded apart or not at all.
      const newest = tx.objectStore('events').openKeyCursor(null, 'prev');
      newest.onsuccess = () => {
        if (newest.result) tx.objectStore('counters').put(newest.result.key, 'aggregatesFoldedThrough');
      };
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
    }
    db.close();
  }, entries);
}

/**
 * Fills the log with `count` generated VIEW records (titles `Filler page N`, host
 * `filler.example`, one minute apart, ending at `endAt`), generated inside the page so a
 * large log costs no transfer, and the `siteDays` totals the append path makes of them (by the
 * local day each view began). Used for the popup benchmark and paging tests.
 */
export function seedFillerLog(page: Page, count: number, endAt: number): Promise<void> {
  return page.evaluate(
    async ({ count, endAt }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('activity-log');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      // No named helpers in here: tsx (the benchmarks) would wrap them in a `__name` call the
      // page does not have.
      const siteDays = new Map<string, { day: string; host: string; seconds: number; views: number; searches: number }>();
      for (let start = 0; start < count; start += 10_000) {
        const tx = db.transaction(['events', 'counters'], 'readwrite');
        const store = tx.objectStore('events');
        for (let i = start; i < Math.min(count, start + 10_000); i++) {
          const at = endAt - (count - i) * 60_000;
          const time = at.toString(16).padStart(12, '0');
          store.add({
            event: {
              id: `${time.slice(0, 8)}-${time.slice(8, 12)}-7000-8000-${i.toString(16).padStart(12, '0')}`,
              action: 'VIEW',
              timestamp: new Date(at).toISOString(),
              url: `https://filler.example/page/${i}`,
              params: { title: `Filler page ${i}`, duration: i % 600 },
            },
            state: i % 3 === 0 ? 'pending' : 'sent',
            host: 'filler.example',
            recordedAt: at,
            attempts: 0,
          });
          const date = new Date(at);
          const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
          const site = siteDays.get(day) ?? { day, host: 'filler.example', seconds: 0, views: 0, searches: 0 };
          site.seconds += i % 600;
          site.views++;
          siteDays.set(day, site);
        }
        // Seeded records are no appends: marked folded in the same transaction, the readers' fold
        // leaves them out of the totals (docs/design.md §4), which are seeded apart or not at all.
        const newest = tx.objectStore('events').openKeyCursor(null, 'prev');
        newest.onsuccess = () => {
          if (newest.result) tx.objectStore('counters').put(newest.result.key, 'aggregatesFoldedThrough');
        };
        await new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        });
      }
      const tx = db.transaction('siteDays', 'readwrite');
      for (const site of siteDays.values()) tx.objectStore('siteDays').put(site);
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { count, endAt },
  );
}

let sampleId = 0;
function uuidAt(at: number): string {
  const hex = at.toString(16).padStart(12, '0');
  sampleId++;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7abc-8def-${sampleId.toString(16).padStart(12, '0')}`;
}

/**
 * About twenty records of a morning's reading, newest last, ending at `endAt`: views with
 * their start and completion, searches, every sync state, a rejection with the server's
 * message. What the screenshots and the accessibility checks show. The records start
 * `spacing` apart (9 minutes unless given).
 */
export function sampleActivity(endAt: number, spacing = 9 * 60_000): SeedEntry[] {
  const pages: [string, string, number | null, StoredLogEntry['state'], string?][] = [
    ['https://wiki.example.com/eng/onboarding', 'Engineering onboarding · Wiki', 412, 'sent'],
    ['https://www.google.com/search?q=indexeddb+cursor+performance', 'indexeddb cursor performance', null, 'sent'],
    ['https://developer.mozilla.org/en-US/docs/Web/API/IDBCursor', 'IDBCursor - Web APIs | MDN', 185, 'sent'],
    ['https://github.com/example/activity-logger/pull/42', 'Popup and options page by dev · Pull Request #42', 623, 'sent'],
    ['https://docs.example.com/runbooks/sync', 'Runbook: sync backlog', 94, 'rejected', 'HTTP 400: params.title: too long'],
    ['https://calendar.example.com/week', 'Calendar – Week of Nov 23', 31, 'sent'],
    ['https://duckduckgo.com/?q=intl+relativetimeformat', 'intl relativetimeformat', null, 'pending'],
    ['https://tc39.es/ecma402/#relativetimeformat-objects', 'ECMA-402 RelativeTimeFormat', 240, 'pending'],
    ['https://news.example.org/2026/11/27/browsers', 'What changed in browsers this month', 377, 'pending'],
    ['https://wiki.example.com/design/activity-logger', 'Activity Logger design · Wiki', 58, 'pending'],
    ['https://mail.example.com/inbox', 'Inbox (3)', 12, 'pending'],
    ['https://github.com/example/activity-logger/issues/5', 'Popup and options page that people enjoy using · Issue #5', null, 'pending'],
  ];
  const entries: SeedEntry[] = [];
  let at = endAt - pages.length * spacing;
  for (const [url, title, duration, state, lastError] of pages) {
    const host = new URL(url).hostname;
    const timestamp = new Date(at).toISOString();
    const local = { state, host, attempts: state === 'pending' ? 0 : 1, ...(lastError && { lastError }) };
    if (duration === null && !url.includes('/issues/')) {
      entries.push({ event: { id: uuidAt(at), action: 'SEARCH', timestamp, url, params: { query: title, title } }, recordedAt: at, ...local });
    } else {
      // The VIEW protocol: a start with `truncated`, then (unless still open) the completion.
      entries.push({ event: { id: uuidAt(at), action: 'VIEW', timestamp, url, params: { title, truncated: true } }, recordedAt: at, ...local });
      if (duration !== null) {
        entries.push({ event: { id: uuidAt(at + 1), action: 'VIEW', timestamp, url, params: { title, duration } }, recordedAt: at + duration * 1000, ...local });
      }
    }
    at += spacing;
  }
  return entries;
}

/**
 * The spacing that keeps all of `sampleActivity(now, spacing)` on today's local date, so the
 * popup's "Today" summary shows every site whatever the hour (CI runs near midnight too):
 * 9 minutes, or less soon after midnight; `undefined` in the first minute of the day and in the
 * last three (where a test would see the day change under it): the caller waits and asks again.
 */
export function sampleSpacingWithinToday(now: number): number | undefined {
  const midnight = new Date(now).setHours(0, 0, 0, 0);
  const nextMidnight = new Date(midnight).setDate(new Date(midnight).getDate() + 1);
  if (nextMidnight - now < 3 * 60_000) return undefined;
  const spacing = Math.min(9 * 60_000, Math.floor((now - midnight - 30_000) / 13));
  return spacing >= 1_000 ? spacing : undefined;
}

/**
 * The daily aggregates the append path would have made of `entries` (seeding writes the
 * `events` store only), written to `siteDays`, `pageDays`, `viewSpans` and `searches`: for
 * the summary's and the Insights page's screenshots and accessibility checks.
 */
export function seedSummary(page: Page, entries: readonly SeedEntry[]): Promise<void> {
  const sites = new Map<string, SiteDay>();
  const pages = new Map<string, PageDay>();
  const spans: ViewSpan[] = [];
  const searches: SearchMade[] = [];
  for (const entry of entries) {
    const contribution = contributionOf(entry.event as never, entry.host);
    spans.push(...(contribution?.spans ?? []));
    if (contribution?.search) {
      searches.push(contribution.search);
      const { day, host } = contribution.search;
      const site = sites.get(`${day} ${host}`) ?? { day, host, seconds: 0, views: 0, searches: 0 };
      site.searches++;
      sites.set(`${day} ${host}`, site);
    }
    for (const span of contribution?.spans ?? []) {
      const site = sites.get(`${span.day} ${span.host}`) ?? { day: span.day, host: span.host, seconds: 0, views: 0, searches: 0 };
      site.seconds += span.seconds;
      site.views += span.views;
      sites.set(`${span.day} ${span.host}`, site);
      const pageDay = pages.get(`${span.day} ${span.url}`) ?? { day: span.day, url: span.url, host: span.host, title: span.title, seconds: 0, views: 0 };
      pageDay.seconds += span.seconds;
      pageDay.views += span.views;
      pages.set(`${span.day} ${span.url}`, pageDay);
    }
  }
  return page.evaluate(
    async ({ sites, pages, spans, searches }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('activity-log');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const tx = db.transaction(['siteDays', 'pageDays', 'viewSpans', 'searches'], 'readwrite');
      for (const site of sites) tx.objectStore('siteDays').put(site);
      for (const day of pages) tx.objectStore('pageDays').put(day);
      for (const span of spans) tx.objectStore('viewSpans').put(span);
      for (const search of searches) tx.objectStore('searches').put(search);
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { sites: [...sites.values()], pages: [...pages.values()], spans, searches },
  );
}
