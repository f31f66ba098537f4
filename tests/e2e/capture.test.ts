import type { Page, Worker } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BackgroundStatus } from '../../entrypoints/background';
import { RecordedEventSchema, type RecordedEvent } from '../../src/model/activity-event';
import type { StoredLogEntry } from '../../src/store/log-entry';
import {
  captureSettled,
  eventually,
  launchExtensionBrowser,
  openBackgroundTab,
  readLog,
  startTestPageServer,
  withTimeout,
  type ExtensionBrowser,
  type TestPageServer,
} from './harness';

// The capture rules of docs/design.md §2–§3 in a real Chromium with the built extension: real
// navigations to pages on 127.0.0.1, the events read back from the durable log (IndexedDB),
// compared whole — nothing missing, nothing twice.
//
// Not proven here: in headless Chromium the window always reports focused and `idle` never
// fires (browser-testing.md), so the rules "a view ends on window focus loss" and "idle time is
// not counted" are proven only by the unit scenarios of the capture state machine
// (tests/unit/capture/capture-machine.test.ts) and the adapter's mapping
// (tests/unit/capture/capture-adapter.test.ts).
//
// A new tab commits about:blank before its first page; it is not http(s) and is never recorded.
// Each test ends its last view by navigating to about:blank (not recorded either), so the
// completing VIEW is written and nothing starts after it.

/** How long a test keeps a page in the foreground before it ends the view, in ms. */
const HOLD_MS = 1_150;

let server: TestPageServer;
let browser: ExtensionBrowser | undefined;

beforeAll(async () => {
  server = await startTestPageServer();
});

afterEach(async () => {
  await browser?.close();
  browser = undefined;
});

afterAll(async () => {
  await server?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `http://127.0.0.1:PORT/page/a` → `/page/a`, so expected lines stay readable. */
function rel(url: string): string {
  return url.startsWith(server.origin) ? url.slice(server.origin.length) : url;
}

/**
 * An event as one short line, like the unit scenarios' `describeEvent`:
 * `view URL [ref=URL]` for a starting VIEW, `done URL "final title" [ref=URL]` for a completing
 * one (its duration is checked against the test's own clock separately), and
 * `search "query" URL [ref=URL]`. A starting VIEW's title is "as known then" (docs/design.md §2):
 * it races with the page's `<title>`, so it is checked apart (see `expectViewProtocol`).
 */
function describeEvent(event: RecordedEvent): string {
  const params = event.params ?? {};
  const ref = params.referrer === undefined ? '' : ` ref=${rel(params.referrer)}`;
  if (event.action === 'SEARCH') return `search "${params.query}" ${rel(event.url)}${ref}`;
  if (event.action !== 'VIEW') return `${event.action} ${rel(event.url)}`;
  if (params.truncated === true) return `view ${rel(event.url)}${ref}`;
  const title = params.title === undefined ? '(no title)' : `"${params.title}"`;
  return `done ${rel(event.url)} ${title}${ref}`;
}

const view = (url: string, referrer?: string) =>
  `view ${rel(url)}${referrer === undefined ? '' : ` ref=${rel(referrer)}`}`;
const done = (url: string, title: string, referrer?: string) =>
  `done ${rel(url)} "${title}"${referrer === undefined ? '' : ` ref=${rel(referrer)}`}`;
const search = (query: string, url: string, referrer?: string) =>
  `search "${query}" ${rel(url)}${referrer === undefined ? '' : ` ref=${rel(referrer)}`}`;

/**
 * Measures how long the test keeps each page in the foreground: from just after the action
 * that showed it completed to just before the action that hides it. The completing VIEWs are
 * written in the order views end, so `held` lines up with them.
 */
class ForegroundClock {
  readonly held: number[] = [];
  private shownAt: number | null = null;

  shown(): void {
    this.shownAt = Date.now();
  }

  /** Call right before the action that ends the view. */
  hidden(): void {
    if (this.shownAt === null) throw new Error('hidden() without shown()');
    this.held.push((Date.now() - this.shownAt) / 1000);
    this.shownAt = null;
  }
}

function worker(): Worker {
  return browser!.worker;
}

/**
 * Waits until the log holds exactly `expected` (as lines, in recording order) once every
 * signal so far is handled, then looks again a moment later: a late duplicate or a stray
 * event fails the test too. Resolves to the events.
 */
async function expectLog(expected: string[], protocol: ProtocolOptions = {}): Promise<RecordedEvent[]> {
  const read = async () => {
    // A capture queue that never drains is a failure of its own, named as such.
    // (Generous: a slow start is not what these tests judge; wrong events are.)
    await captureSettled(worker(), { timeout: 10_000 });
    return readLog(worker());
  };
  // On a mismatch, the whole records (with their seq and recording time) say what happened.
  const dump = (entries: StoredLogEntry[]) =>
    `log records:\n${entries.map((e) => JSON.stringify({ seq: e.seq, recordedAt: new Date(e.recordedAt).toISOString(), ...e.event })).join('\n')}\n`;
  const matches = (entries: StoredLogEntry[]) =>
    expect(entries.map((entry) => describeEvent(entry.event)), dump(entries)).toEqual(expected);
  await eventually(async () => matches(await read()), { timeout: 15_000, interval: 100 });
  await sleep(200);
  const entries = await read();
  matches(entries);
  const events = entries.map((entry) => entry.event);
  expectViewProtocol(events, protocol);
  expect(await lastError()).toBeUndefined();
  return events;
}

async function lastError(): Promise<string | undefined> {
  return withTimeout(
    worker().evaluate(() => (globalThis as { activityLogger?: BackgroundStatus }).activityLogger?.lastError),
    2_000,
    'reading lastError',
  );
}

/**
 * docs/design.md §2 for every event of a test: the wire schema, unique ids, each completing VIEW
 * paired with exactly one earlier starting VIEW (same url and timestamp, new id, same
 * referrer, no `truncated`), a starting VIEW's title either unknown yet or the page's title,
 * and no title that looks like a URL (Chromium shows the raw URL as the title before
 * `<title>` is parsed).
 */
interface ProtocolOptions {
  /**
   * The title each starting VIEW may carry, in order, when it may differ from the final one
   * (a page that retitles itself). By default a start's title, when known, is the final one.
   */
  startTitles?: (string | undefined)[];
}

function expectViewProtocol(events: RecordedEvent[], { startTitles }: ProtocolOptions = {}) {
  for (const event of events) expect(RecordedEventSchema.safeParse(event).success, JSON.stringify(event)).toBe(true);
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);

  const starts = events.filter((e) => e.action === 'VIEW' && e.params?.truncated === true);
  const dones = events.filter((e) => e.action === 'VIEW' && e.params?.truncated !== true);
  for (const finished of dones) {
    expect(finished.params).not.toHaveProperty('truncated');
    expect(finished.params?.duration).toEqual(expect.any(Number));
    const pair = starts.filter((s) => s.url === finished.url && s.timestamp === finished.timestamp);
    expect(pair, `one start for ${describeEvent(finished)}`).toHaveLength(1);
    const start = pair[0]!;
    expect(events.indexOf(start)).toBeLessThan(events.indexOf(finished));
    expect(start.id).not.toBe(finished.id);
    expect(start.params?.referrer).toBe(finished.params?.referrer);
    expect(start.params).not.toHaveProperty('duration');
    if (startTitles === undefined && start.params?.title !== undefined) {
      expect(start.params.title).toBe(finished.params?.title);
    }
  }
  for (const start of starts) {
    const completions = dones.filter((d) => d.url === start.url && d.timestamp === start.timestamp);
    expect(completions.length, `completions of ${describeEvent(start)}`).toBeLessThanOrEqual(1);
  }
  if (startTitles !== undefined) {
    starts.forEach((start, i) => {
      const allowed = startTitles[i];
      // Unknown at the start is always fine; a known one must be the page's title then.
      if (start.params?.title !== undefined) expect(start.params.title).toBe(allowed);
    });
  }
  for (const event of events) {
    const title = event.params?.title;
    if (title === undefined) continue;
    expect(title).not.toMatch(/^[a-z][a-z0-9+.-]*:/i);
    expect(title).not.toContain('127.0.0.1');
    expect(title).not.toMatch(/^\//);
  }
}

/** Each completing VIEW's duration is within 1 s of what the test measured, in order. */
function expectDurations(events: RecordedEvent[], held: number[]): void {
  const durations = events
    .filter((e) => e.action === 'VIEW' && e.params?.truncated !== true)
    .map((e) => e.params?.duration);
  expect(durations).toHaveLength(held.length);
  durations.forEach((duration, i) => {
    const measured = held[i]!;
    expect(
      Math.abs(duration! - measured),
      `completing VIEW #${i + 1}: duration ${duration} s, kept in front ${measured.toFixed(2)} s`,
    ).toBeLessThanOrEqual(1);
  });
}

/** The part of the worker's `chrome` global the tests use (no chrome types in this project). */
interface ChromeStorage {
  storage: {
    local: { set(items: Record<string, unknown>): Promise<void> };
    onChanged: {
      addListener(listener: (changes: Record<string, unknown>, area: string) => void): void;
      removeListener(listener: (changes: Record<string, unknown>, area: string) => void): void;
    };
  };
}

/** Ends the view in `tab` by navigating to a page that is never recorded. */
async function leave(tab: Page): Promise<void> {
  await tab.goto('about:blank');
}

/** Follows a link (or submits a form) with `act` and waits for `url` to have loaded. */
async function follow(tab: Page, url: string, act: () => Promise<void>): Promise<void> {
  await Promise.all([tab.waitForURL(url, { waitUntil: 'load' }), act()]);
}

describe('capture in Chromium: one view per page, each completed once', () => {
  beforeEach(async () => {
    browser = await launchExtensionBrowser();
    // `ready` means the listeners are registered; capture may still be loading its state and
    // describing the open tabs. Each test here proves one rule from a settled start; the
    // start-up itself has its own test below.
    await captureSettled(worker(), { timeout: 10_000 });
  });

  it('a link click starts a view whose referrer is the previous page', async () => {
    const b = server.pageUrl('b');
    const a = server.pageUrl('a', { links: [b] });
    const clock = new ForegroundClock();
    const tab = await browser!.visit(a);
    clock.shown();
    await sleep(HOLD_MS);

    clock.hidden();
    await follow(tab, b, () => tab.getByRole('link', { name: 'link 1' }).click());
    clock.shown();
    await sleep(HOLD_MS);
    clock.hidden();
    await leave(tab);

    const events = await expectLog([view(a), done(a, 'a'), view(b, a), done(b, 'b', a)]);
    expectDurations(events, clock.held);
  });

  it('a typed URL starts a view with no referrer', async () => {
    const a = server.pageUrl('a');
    const b = server.pageUrl('b');
    const clock = new ForegroundClock();
    const tab = await browser!.visit(a);
    clock.shown();
    await sleep(HOLD_MS);

    clock.hidden();
    await tab.goto(b); // Page.navigate: a typed transition, not a link
    clock.shown();
    await sleep(HOLD_MS);
    clock.hidden();
    await leave(tab);

    const events = await expectLog([view(a), done(a, 'a'), view(b), done(b, 'b')]);
    expectDurations(events, clock.held);
  });

  it('a single-page app: pushState to a new path is a new view, the same URL again is not', async () => {
    const app = server.spaUrl('app');
    const next = server.spaUrl('next');
    const clock = new ForegroundClock();
    const tab = await browser!.visit(app);
    clock.shown();
    await sleep(HOLD_MS);

    clock.hidden();
    await tab.getByRole('button', { name: 'Push /spa/next', exact: true }).click();
    await tab.waitForURL(next);
    clock.shown();
    await sleep(HOLD_MS / 2);
    // pushState with the same URL again, then a fragment change: still the same view.
    await tab.getByRole('button', { name: 'Push /spa/next', exact: true }).click();
    await tab.getByRole('button', { name: 'Set #top' }).click();
    await tab.waitForURL(`${next}#top`);
    await sleep(HOLD_MS / 2);
    clock.hidden();
    await leave(tab);

    const events = await expectLog([view(app), done(app, 'SPA'), view(next, app), done(next, 'SPA', app)]);
    expectDurations(events, clock.held);
  });

  it('a change of the fragment alone is no new view', async () => {
    const a = server.pageUrl('a');
    const clock = new ForegroundClock();
    const tab = await browser!.visit(a);
    clock.shown();
    await sleep(HOLD_MS / 2);
    // onReferenceFragmentUpdated; the same fragment link again reports onHistoryStateUpdated
    // with an unchanged URL (browser-testing.md); then a scripted hash change.
    await tab.getByRole('link', { name: 'Details' }).click();
    await tab.waitForURL(`${a}#details`);
    await tab.getByRole('link', { name: 'Details' }).click();
    await tab.evaluate(() => {
      location.hash = 'elsewhere';
    });
    await tab.waitForURL(`${a}#elsewhere`);
    await sleep(HOLD_MS / 2);
    clock.hidden();
    await leave(tab);

    // One view over the whole time, recorded without the fragment.
    const events = await expectLog([view(a), done(a, 'a')]);
    expectDurations(events, clock.held);
  });

  it('a reload starts a new view', async () => {
    const a = server.pageUrl('a');
    const clock = new ForegroundClock();
    const tab = await browser!.visit(a);
    clock.shown();
    await sleep(HOLD_MS);

    clock.hidden();
    await tab.reload();
    clock.shown();
    await sleep(HOLD_MS);
    clock.hidden();
    await leave(tab);

    const events = await expectLog([view(a), done(a, 'a'), view(a), done(a, 'a')]);
    expect(events[0]!.timestamp).not.toBe(events[2]!.timestamp);
    expectDurations(events, clock.held);
  });

  it('a tab switch ends the view, and the tab brought to the front starts one', async () => {
    const a = server.pageUrl('a');
    const b = server.pageUrl('b');
    const clock = new ForegroundClock();
    const first = await browser!.visit(a);
    clock.shown();
    // Loaded behind: a background tab that was never shown records nothing (yet).
    const second = await openBackgroundTab(browser!.context, b);
    await expectLog([view(a)]);
    await sleep(HOLD_MS);

    clock.hidden();
    await second.bringToFront(); // tabs.onActivated
    clock.shown();
    await sleep(HOLD_MS);
    clock.hidden();
    await first.bringToFront();
    clock.shown();
    await sleep(HOLD_MS);
    clock.hidden();
    await leave(first);

    const events = await expectLog([view(a), done(a, 'a'), view(b), done(b, 'b'), view(a), done(a, 'a')]);
    expectDurations(events, clock.held);
  });

  it('a page that changes its title after load: the completing VIEW carries the final title', async () => {
    // No <title> first, so Chromium shows the raw URL (with the secret) as the tab's title;
    // then the page's script sets the real title.
    const raw = server.titleChangeUrl({ final: 'Final title', afterMs: 400, query: { token: 's3cret' } });
    const recorded = server.titleChangeUrl({ final: 'Final title', afterMs: 400 });
    const second = server.titleChangeUrl({ initial: 'Loading', final: 'Loaded', afterMs: 400 });
    const clock = new ForegroundClock();
    const tab = await browser!.visit(raw);
    clock.shown();
    await eventually(async () => expect(await tab.title()).toBe('Final title'));
    await sleep(HOLD_MS);

    clock.hidden();
    await tab.goto(second);
    clock.shown();
    await eventually(async () => expect(await tab.title()).toBe('Loaded'));
    await sleep(HOLD_MS);
    clock.hidden();
    await leave(tab);

    // At the start the first page had no title of its own (so none, never the URL); the
    // second one may already have had its initial title.
    const events = await expectLog(
      [view(recorded), done(recorded, 'Final title'), view(second), done(second, 'Loaded')],
      { startTitles: [undefined, 'Loading'] },
    );
    expectDurations(events, clock.held);
    expect(JSON.stringify(events)).not.toContain('s3cret');
  });

  it('a results page under a user search rule is one SEARCH with its query, no VIEW', async () => {
    await worker().evaluate(async (settings) => {
      const { chrome } = globalThis as unknown as { chrome: ChromeStorage };
      // Wait for the change to reach the worker's listeners (capture's came first), then for
      // capture to take it in, so the next navigation is judged with the rule.
      const changed = new Promise<void>((resolve) => {
        const listener = (changes: Record<string, unknown>, area: string) => {
          if (area !== 'local' || !('settings' in changes)) return;
          chrome.storage.onChanged.removeListener(listener);
          resolve();
        };
        chrome.storage.onChanged.addListener(listener);
      });
      await chrome.storage.local.set({ settings });
      await changed;
      await (globalThis as { activityLogger?: BackgroundStatus }).activityLogger!.capture!.settled();
    }, { searchRules: [{ host: server.host, param: 'q' }] });

    const form = server.searchFormUrl();
    const results = server.searchUrl('hello world');
    const clock = new ForegroundClock();
    const tab = await browser!.visit(form);
    clock.shown();
    await sleep(HOLD_MS);

    await tab.getByRole('textbox', { name: 'Search' }).fill('hello world');
    clock.hidden();
    await follow(tab, results, () => tab.getByRole('button', { name: 'Go' }).click());
    await sleep(HOLD_MS / 2);
    await leave(tab);

    const events = await expectLog([view(form), done(form, 'Search'), search('hello world', results, form)]);
    expectDurations(events, clock.held);
    const found = events.at(-1)!;
    expect(found).toMatchObject({ action: 'SEARCH', url: results, params: { query: 'hello world', referrer: form } });
    expect(found.params).not.toHaveProperty('truncated');
    expect(found.params).not.toHaveProperty('duration');
    // Known at commit or not yet: never anything but the page's own title.
    if (found.params?.title !== undefined) expect(found.params.title).toBe('Results for hello world');
  });

  it('a server-side 302 redirect is one view, of the final URL', async () => {
    const final = server.pageUrl('final');
    const a = server.pageUrl('a', { links: [server.redirectUrl('/page/final')] });
    const clock = new ForegroundClock();
    const tab = await browser!.visit(a);
    clock.shown();
    await sleep(HOLD_MS);

    clock.hidden();
    await follow(tab, final, () => tab.getByRole('link', { name: 'link 1' }).click());
    clock.shown();
    await sleep(HOLD_MS);
    clock.hidden();
    await leave(tab);

    const events = await expectLog([view(a), done(a, 'a'), view(final, a), done(final, 'final', a)]);
    expect(JSON.stringify(events)).not.toContain('/redirect?');
    expectDurations(events, clock.held);
  });

  it('a service worker stopped in the middle of a view still completes it once, with the whole time', async () => {
    const a = server.pageUrl('a');
    const b = server.pageUrl('b');
    const clock = new ForegroundClock();
    const tab = await browser!.visit(a);
    clock.shown();
    await expectLog([view(a)]);
    await sleep(HOLD_MS);

    // Mark this worker instance: the one that answers after the stop must be a new one.
    await worker().evaluate(() => {
      (globalThis as { stoppedMidView?: boolean }).stoppedMidView = true;
    });
    await browser!.stopServiceWorker();
    await sleep(2 * HOLD_MS);

    clock.hidden();
    await tab.goto(b); // the navigation wakes the worker, which resumes from storage.session
    const events = await expectLog([view(a), done(a, 'a'), view(b)]);
    expect(await worker().evaluate(() => (globalThis as { stoppedMidView?: boolean }).stoppedMidView)).toBeUndefined();
    // The duration covers the time before and after the stop.
    expect(clock.held[0]).toBeGreaterThan(3);
    expectDurations(events, clock.held);
  });

  it('a browser killed in the middle of a view: the next start completes it once, and nothing recorded is lost', async () => {
    const a = server.pageUrl('a');
    const b = server.pageUrl('b');
    const clock = new ForegroundClock();
    const tab = await browser!.visit(a);
    clock.shown();
    await sleep(HOLD_MS);
    clock.hidden();
    await tab.goto(b);
    // b's start is durable (its transaction complete) once it is in the log.
    await expectLog([view(a), done(a, 'a'), view(b)]);
    await sleep(HOLD_MS);

    await browser!.restart({ crash: true });
    // The view b left open ends at its last sign of life written to the log (its start or
    // its title, moments later: 0 s), once; a's completion is not written again.
    const events = await expectLog([view(a), done(a, 'a'), view(b), done(b, 'b')]);
    expectDurations(events.slice(0, 2), clock.held);
    expect(events[3]!.params?.duration).toBe(0);
    expect(events[3]!.timestamp).toBe(events[2]!.timestamp);
  });
});

describe('capture in Chromium: start-up', () => {
  it('pages shown while capture is still starting are recorded once each, in order', async () => {
    // No waiting for capture to settle: the worker has just registered its listeners and may
    // still be reading its state and describing the open tabs (its start-up snapshot). Pages
    // shown meanwhile must be recorded like any others, from the time they were shown.
    browser = await launchExtensionBrowser();
    const b = server.pageUrl('b');
    const a = server.pageUrl('a', { links: [b] });
    const clock = new ForegroundClock();
    const tab = await browser.visit(a);
    clock.shown();
    await sleep(HOLD_MS / 2);
    clock.hidden();
    await follow(tab, b, () => tab.getByRole('link', { name: 'link 1' }).click());
    clock.shown();
    // Stay on b until capture has finished starting: if its start-up snapshot of the open
    // tabs is taken only now, it sees b, after a and b were already announced.
    await captureSettled(worker(), { timeout: 10_000 });
    await sleep(HOLD_MS);
    clock.hidden();
    await leave(tab);

    const events = await expectLog([view(a), done(a, 'a'), view(b, a), done(b, 'b', a)]);
    // A view stamped with the worker's start rather than the moment the page was shown would
    // show here as a too-long first duration.
    expectDurations(events, clock.held);
  });
});
