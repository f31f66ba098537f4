import { describe, expect, it } from 'vitest';
import { ActivityEventSchema } from '../../../src/model/activity-event';
import { needsTabSnapshot, resumeState } from '../../../src/capture/capture-machine';
import { Scenario, T0, tab } from './scenario';

const A = 'https://a.example/article';
const B = 'https://b.example/page';
const C = 'https://c.example/';

describe('a page is seen in the active tab of the focused window', () => {
  it('starts a truncated VIEW when a page commits in the foreground', () => {
    const s = Scenario.started().wait(1).open(A);
    expect(s.events).toEqual([
      {
        id: expect.any(String),
        action: 'VIEW',
        timestamp: new Date(T0 + 1000).toISOString(),
        url: A,
        params: { truncated: true },
      },
    ]);
  });

  it('records nothing for a page committed in a background tab until it is shown', () => {
    const s = Scenario.started().open(A);
    s.wait(2).open(B, { id: 2, active: false });
    expect(s.lines()).toEqual([`view ${A} @0`]);
    s.wait(5).activate(2, B);
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 7s`, `view ${B} @7`]);
  });

  it('records nothing for background tabs restored at start-up, only the tab in front', () => {
    const s = new Scenario();
    s.send({
      type: 'startup',
      focusedWindowId: 1,
      idle: 'active',
      paused: false,
      activeTabs: [tab(1, A), tab(2, B, { windowId: 2 })],
    });
    // Session restore then commits the restored tabs, in front and behind.
    s.open(A).open(B, { id: 2, active: false }).open(C, { id: 3, active: false });
    expect(s.lines()).toEqual([`view ${A} @0`]);
  });

  it('records nothing while no window of the browser has focus', () => {
    const s = Scenario.started().send({ type: 'windowFocusChanged', windowId: null }).open(A);
    expect(s.events).toEqual([]);
  });
});

describe('the VIEW protocol', () => {
  it('completes a view with a new id, the same url and timestamp, whole seconds and the final title', () => {
    const s = Scenario.started().open(A);
    s.wait(1).send({ type: 'tabTitleChanged', tabId: 1, title: 'First title' });
    s.wait(2).send({ type: 'tabTitleChanged', tabId: 1, title: 'Final title' });
    s.wait(4.9).open(B);
    const [start, done] = s.events;
    expect(done).toEqual({
      id: expect.any(String),
      action: 'VIEW',
      timestamp: start!.timestamp,
      url: A,
      params: { duration: 7, title: 'Final title' },
    });
    expect(done!.id).not.toBe(start!.id);
    expect(done!.params).not.toHaveProperty('truncated');
  });

  it('records events that satisfy the wire format', () => {
    const s = Scenario.started().open(A).wait(3).open(B, { transition: 'link' }).wait(1).open(C);
    for (const event of s.events) expect(ActivityEventSchema.safeParse(event).success).toBe(true);
    expect(s.events).toHaveLength(5);
  });
});

describe('one view per real navigation', () => {
  it('starts a new view on a full load, and on a reload', () => {
    const s = Scenario.started().open(A).wait(2).open(B).wait(3).open(B, { transition: 'reload' });
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 2s`, `view ${B} @2`, `done ${B} @2 3s`, `view ${B} @5`]);
  });

  it('starts a new view when a single-page app changes path or query, not for the same URL again', () => {
    const s = Scenario.started().open(A);
    const spa = (url: string) => s.send({ type: 'historyStateUpdated', tabId: 1, tab: tab(1, url), frameId: 0, url });
    s.wait(1);
    spa(`${A}/next`);
    s.wait(1);
    spa(`${A}/next`); // pushState with the same URL twice is one view
    s.wait(1);
    spa(`${A}/next?page=2`);
    s.settle();
    expect(s.lines()).toEqual([
      `view ${A} @0`,
      `done ${A} @0 1s`,
      `view ${A}/next @1`,
      `done ${A}/next @1 2s`,
      `view ${A}/next?page=2 @3`,
    ]);
  });

  it('does not start a view for a change of the fragment alone', () => {
    const s = Scenario.started().open(A);
    s.wait(1).send({ type: 'fragmentUpdated', tabId: 1, frameId: 0, url: `${A}#section-2` });
    // Clicking the same fragment link again reports a history update with that URL.
    s.send({ type: 'historyStateUpdated', tabId: 1, tab: tab(1, `${A}#section-2`), frameId: 0, url: `${A}#section-2` });
    expect(s.lines()).toEqual([`view ${A} @0`]);
  });

  it('makes one view of the duplicate signals of one navigation', () => {
    const s = Scenario.started();
    s.send({ type: 'tabActivated', tabId: 1, windowId: 1, tab: tab(1, A) }); // tabs.onUpdated/activation carrying the URL
    s.open(A); // onCommitted for the same navigation
    s.send({ type: 'historyStateUpdated', tabId: 1, tab: tab(1, A), frameId: 0, url: A });
    expect(s.lines()).toEqual([`view ${A} @0`]);
  });

  it('makes one view for a redirected navigation (it commits once, at the final URL)', () => {
    const s = Scenario.started().open(`${B}?from=redirect`);
    expect(s.lines()).toEqual([`view ${B}?from=redirect @0`]);
  });

  it('ignores subframes and prerendered pages', () => {
    const s = Scenario.started().open(A);
    s.send({ type: 'navigationCommitted', tabId: 1, tab: tab(1, A), frameId: 4, url: 'https://ads.example/frame' });
    s.send({ type: 'navigationCommitted', tabId: 1, tab: tab(1, A), frameId: 0, url: B, documentLifecycle: 'prerender' });
    s.send({ type: 'historyStateUpdated', tabId: 1, tab: tab(1, A), frameId: 4, url: 'https://ads.example/other' });
    expect(s.lines()).toEqual([`view ${A} @0`]);
  });
});

describe('a view ends', () => {
  it('on a tab switch, and the other tab starts one', () => {
    const s = Scenario.started().open(A).open(B, { id: 2, active: false });
    s.wait(4).activate(2, B).wait(3).activate(1, A);
    expect(s.lines()).toEqual([
      `view ${A} @0`,
      `done ${A} @0 4s`,
      `view ${B} @4`,
      `done ${B} @4 3s`,
      `view ${A} @7`,
    ]);
  });

  it('on rapid tab switching, each showing is its own short view', () => {
    const s = Scenario.started().open(A).open(B, { id: 2, active: false });
    s.wait(0.2).activate(2, B).wait(0.2).activate(1, A).wait(0.2).activate(2, B).wait(10).activate(1, A);
    expect(s.lines()).toEqual([
      `view ${A} @0`,
      `done ${A} @0 0s`,
      `view ${B} @0.2`,
      `done ${B} @0.2 0s`,
      `view ${A} @0.4`,
      `done ${A} @0.4 0s`,
      `view ${B} @0.6`,
      `done ${B} @0.6 10s`,
      `view ${A} @10.6`,
    ]);
  });

  it('when focus moves to another window, whose active tab is then seen', () => {
    const s = Scenario.started().open(A).open(B, { id: 2, windowId: 2 });
    expect(s.lines()).toEqual([`view ${A} @0`]);
    s.wait(5).send({ type: 'windowFocusChanged', windowId: 2 });
    s.wait(2).send({ type: 'windowFocusChanged', windowId: 1 });
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 5s`, `view ${B} @5`, `done ${B} @5 2s`, `view ${A} @7`]);
  });

  it('when focus leaves the browser; time away is not counted; coming back starts a new view', () => {
    const s = Scenario.started().open(A);
    s.wait(3).send({ type: 'windowFocusChanged', windowId: null });
    s.wait(600).send({ type: 'windowFocusChanged', windowId: 1 });
    s.wait(2).open(B);
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 3s`, `view ${A} @603`, `done ${A} @603 2s`, `view ${B} @605`]);
  });

  it('when the user goes idle or locks the screen, and idle time is not counted', () => {
    const s = Scenario.started().open(A);
    s.wait(20).send({ type: 'idleStateChanged', state: 'idle' });
    s.wait(300).send({ type: 'idleStateChanged', state: 'active' });
    s.wait(5).send({ type: 'idleStateChanged', state: 'locked' });
    s.wait(100).open(B); // navigations while idle are not seen
    s.send({ type: 'idleStateChanged', state: 'active' });
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 20s`, `view ${A} @320`, `done ${A} @320 5s`, `view ${B} @425`]);
  });

  it('when its tab is closed', () => {
    const s = Scenario.started().open(A).open(B, { id: 2, active: false });
    s.wait(6).send({ type: 'tabRemoved', tabId: 1 });
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 6s`]);
    s.activate(2, B);
    expect(s.lines().at(-1)).toBe(`view ${B} @6`);
  });

  it('once when a window with several tabs is closed', () => {
    const s = Scenario.started().open(A).open(B, { id: 2, active: false }).open(C, { id: 3, active: false });
    s.wait(8);
    for (const tabId of [2, 1, 3]) s.send({ type: 'tabRemoved', tabId });
    s.send({ type: 'windowFocusChanged', windowId: null });
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 8s`]);
  });

  it('on pause; paused time records nothing; resuming starts the page in front again', () => {
    const s = Scenario.started().open(A);
    s.wait(4).send({ type: 'pauseChanged', paused: true });
    s.wait(10).open(B).wait(10).open(C);
    s.wait(1).send({ type: 'pauseChanged', paused: false });
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 4s`, `view ${C} @25`]);
  });

  it('on navigation to a page that is not recorded', () => {
    const s = Scenario.started().open(A).wait(2).open('chrome://settings/');
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 2s`]);
  });
});

describe('the service worker and the browser may stop', () => {
  it('a worker restart between start and end of a view still completes it once, with the whole duration', () => {
    const s = Scenario.started().open(A).wait(40).send({ type: 'heartbeat' });
    s.restartWorker().wait(20).open(B);
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 60s`, `view ${B} @60`]);
  });

  it('a view left open by a crash is completed at the next start, up to its last heartbeat', () => {
    const before = Scenario.started().open(A);
    before.wait(30).send({ type: 'heartbeat' }).wait(30).send({ type: 'heartbeat' }).wait(12);
    const orphan = before.state.view;

    const after = new Scenario();
    after.now = before.now + 3600_000;
    after.send({ type: 'startup', focusedWindowId: 1, activeTabs: [], idle: 'active', paused: false, orphanView: orphan });
    expect(after.lines()).toEqual([`done ${A} @0 60s`]);
  });
});

describe('a worker that stopped before its state was saved (resumeState)', () => {
  it('completes the view the log holds open, once, and not the older one its state holds', () => {
    const s = Scenario.started().open(A);
    const stale = structuredClone(s.state);
    s.wait(5).open(B, { transition: 'link' });
    s.state = resumeState(stale, s.state.view);
    s.wait(3).open(C);
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 5s`, `view ${B} @5`, `done ${B} @5 3s`, `view ${C} @8`]);
  });

  it('does not complete again, nor start again, a view the log has completed', () => {
    const s = Scenario.started().open(A);
    const stale = structuredClone(s.state);
    s.wait(5).send({ type: 'windowFocusChanged', windowId: null });
    s.state = resumeState(stale, null);
    s.wait(3).send({ type: 'heartbeat' });
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 5s`]);
    s.open(B);
    expect(s.lines().at(-1)).toBe(`view ${B} @8`);
  });

  it('keeps a state that agrees with the log as it is', () => {
    const s = Scenario.started().open(A);
    expect(resumeState(s.state, s.state.view)).toEqual(s.state);
  });
});

describe('title and referrer', () => {
  it('never takes a title that is the URL (Chromium shows the raw URL before <title> is parsed)', () => {
    const raw = 'http://user:pass@127.0.0.1:8080/p?token=abc#frag';
    const s = Scenario.started();
    s.send({ type: 'navigationCommitted', tabId: 1, tab: tab(1, raw, { title: '127.0.0.1:8080/p?token=abc#frag' }), frameId: 0, url: raw });
    s.send({ type: 'tabTitleChanged', tabId: 1, title: raw });
    s.wait(1).open(B);
    expect(JSON.stringify(s.events)).not.toContain('token');
    expect(s.events[1]!.params).toEqual({ duration: 1 });
  });

  it('takes the title known at the start, and a title that changes after load for the completion', () => {
    const s = Scenario.started();
    s.send({ type: 'navigationCommitted', tabId: 1, tab: tab(1, A, { title: 'Loading article' }), frameId: 0, url: A });
    s.wait(2).send({ type: 'tabTitleChanged', tabId: 1, title: '(3) Article' });
    s.send({ type: 'tabTitleChanged', tabId: 2, title: 'another tab' });
    s.wait(1).open(B);
    expect(s.events[0]!.params).toEqual({ truncated: true, title: 'Loading article' });
    expect(s.events[1]!.params).toEqual({ duration: 3, title: '(3) Article' });
  });

  it('takes the previous page of the tab as referrer after a link or a form, not after typing', () => {
    const s = Scenario.started().open(A).open(B, { transition: 'link' }).open(C, { transition: 'form_submit' }).open(A);
    const starts = s.events.filter((e) => e.params?.truncated);
    expect(starts.map((e) => e.params?.referrer)).toEqual([undefined, A, B, undefined]);
    const completions = s.events.filter((e) => e.params?.duration !== undefined);
    expect(completions.map((e) => e.params?.referrer)).toEqual([undefined, A, B]);
  });

  it('takes the opener tab page as referrer for a tab opened from a link', () => {
    const s = Scenario.started().open(A);
    s.send({ type: 'navigationTargetCreated', sourceTabId: 1, tabId: 2 });
    s.send({ type: 'navigationCommitted', tabId: 2, tab: tab(2, 'about:blank', { active: false }), frameId: 0, url: 'about:blank' });
    s.open(B, { id: 2, active: false, transition: 'link' }).activate(2, B);
    expect(s.events.at(-1)).toMatchObject({ url: B, params: { truncated: true, referrer: A } });
  });

  it('takes the previous page as referrer of a single-page app navigation', () => {
    const s = Scenario.started().open(A);
    s.send({ type: 'historyStateUpdated', tabId: 1, tab: tab(1, `${A}/2`), frameId: 0, url: `${A}/2` }).settle();
    expect(s.events.at(-1)).toMatchObject({ url: `${A}/2`, params: { referrer: A } });
  });
});

describe('SEARCH', () => {
  it('records a results page of a known engine as one SEARCH with its query, not a VIEW', () => {
    const google = 'https://www.google.com/search?q=glean+activity+api&hl=en';
    const s = Scenario.started().open(A).wait(2).open(google, { transition: 'form_submit' });
    expect(s.events.at(-1)).toEqual({
      id: expect.any(String),
      action: 'SEARCH',
      timestamp: new Date(T0 + 2000).toISOString(),
      url: google,
      params: { query: 'glean activity api', referrer: A },
    });
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 2s`, `search "glean activity api" ${google} @2`]);
  });

  it('records the search once, however often its tab is shown again', () => {
    const bing = 'https://www.bing.com/search?q=x';
    const s = Scenario.started().open(bing).open(A, { id: 2, active: false });
    s.activate(2, A).activate(1, bing).activate(2, A);
    expect(s.lines().filter((line) => line.startsWith('search'))).toHaveLength(1);
  });

  it('follows user rules for other sites, such as an intranet search on a port', () => {
    const s = Scenario.started({ searchRules: [{ host: '127.0.0.1:8080', param: 'terms' }] });
    s.open('http://127.0.0.1:8080/find?terms=quarterly+report');
    expect(s.lines()).toEqual(['search "quarterly report" http://127.0.0.1:8080/find?terms=quarterly+report @0']);
  });
});

describe('what is never recorded', () => {
  it.each(['about:blank', 'chrome://newtab/', 'chrome-extension://abc/popup.html', 'file:///home/me/a.html', 'data:text/html,x', 'view-source:https://a.example/'])(
    'records nothing for %s',
    (url) => {
      expect(Scenario.started().open(url).wait(5).open(url).events).toEqual([]);
    },
  );

  it('records nothing in a private window unless the user allows it', () => {
    expect(Scenario.started().open(A, { incognito: true }).wait(3).open(B, { incognito: true }).events).toEqual([]);
    const allowed = Scenario.started({ logPrivateWindows: true }).open(A, { incognito: true });
    expect(allowed.lines()).toEqual([`view ${A} @0`]);
  });

  it('records the sanitized URL: no credentials, no fragment', () => {
    const s = Scenario.started().open('http://user:pass@127.0.0.1:8080/p?q=1#frag');
    expect(s.events[0]!.url).toBe('http://127.0.0.1:8080/p?q=1');
  });
});

describe('privacy settings (docs/design.md §6)', () => {
  it('stops the view in front when its host is added to the deny list, recording nothing more of it', () => {
    const s = Scenario.started().open(A).wait(5);
    s.config = { ...s.config, denyList: ['a.example'] };
    s.send({ type: 'settingsChanged' }).wait(5).open(B);
    expect(s.lines()).toEqual([`view ${A} @0`, `view ${B} @10`]);
  });

  it('does not name a denied page as the referrer of the next one', () => {
    const s = Scenario.started({ denyList: ['a.example'] }).open(A).wait(1).open(B, { transition: 'link' });
    expect(s.events).toHaveLength(1);
    expect(s.events[0]!.params).not.toHaveProperty('referrer');
  });

  it('keeps a SEARCH\'s terms under "strip all query strings", and strips the page after it', () => {
    const s = Scenario.started({ stripAllQueryStrings: true })
      .open('https://www.google.com/search?q=budget&client=x')
      .wait(1)
      .open('https://a.example/result?id=7', { transition: 'link' });
    expect(s.lines()).toEqual(['search "budget" https://www.google.com/search?q=budget @0', 'view https://a.example/result @1']);
    expect(s.events[1]!.params?.referrer).toBe('https://www.google.com/search?q=budget');
  });

  it('records file: pages only when allowed', () => {
    expect(Scenario.started().open('file:///home/me/a.html').events).toEqual([]);
    expect(Scenario.started({ logFileUrls: true }).open('file:///home/me/a.html').lines()).toEqual(['view file:///home/me/a.html @0']);
  });

  it('records a page with a URL over 8,192 characters without its query, and the one after it normally', () => {
    const s = Scenario.started().open(`${A}?q=${'x'.repeat(9000)}`).wait(2).open(B);
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 2s`, `view ${B} @2`]);
  });
});

// The adapter asks the browser for a tab (`tabs.get`) only when the machine does not know it:
// everything else about a known tab follows from the signals since.
describe('tabs the machine already knows', () => {
  it('needs a snapshot only for a tab it has not seen a page of', () => {
    const s = Scenario.started();
    expect(needsTabSnapshot(s.state, 1)).toBe(true);
    s.open(A);
    expect(needsTabSnapshot(s.state, 1)).toBe(false);
    // Opened from a link: known by its opener, not yet by its window or page.
    s.send({ type: 'navigationTargetCreated', sourceTabId: 1, tabId: 2 });
    expect(needsTabSnapshot(s.state, 2)).toBe(true);
    s.send({ type: 'tabRemoved', tabId: 1 });
    expect(needsTabSnapshot(s.state, 1)).toBe(true);
  });

  it('keeps a known tab private when it navigates without a snapshot', () => {
    const s = Scenario.started().open(A, { incognito: true });
    s.wait(2).send({ type: 'navigationCommitted', tabId: 1, frameId: 0, url: B, transitionType: 'link' });
    expect(s.events).toEqual([]);
  });

  it('ignores a navigation of a tab closed before its signal was applied', () => {
    const s = Scenario.started().open(A).wait(1).send({ type: 'tabRemoved', tabId: 1 });
    s.send({ type: 'navigationCommitted', tabId: 1, frameId: 0, url: B, transitionType: 'link' });
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 1s`]);
  });

  it('gives a single-page app navigation the title the document has', () => {
    const s = Scenario.started().open(A).send({ type: 'tabTitleChanged', tabId: 1, title: 'Inbox', url: A });
    s.wait(1).send({ type: 'historyStateUpdated', tabId: 1, frameId: 0, url: `${A}/2` }).settle();
    expect(s.events.at(-1)?.params).toEqual({ truncated: true, title: 'Inbox', referrer: A });
  });

  it('gives a page the title reported for its URL before its commit', () => {
    const s = Scenario.started().open(A);
    s.wait(1).send({ type: 'tabTitleChanged', tabId: 1, title: 'Page B', url: `${B}#top` });
    s.send({ type: 'navigationCommitted', tabId: 1, frameId: 0, url: B, transitionType: 'link' });
    expect(s.events.at(-1)?.params).toEqual({ truncated: true, title: 'Page B', referrer: A });
    // Only for that page: the next one starts without it.
    s.wait(1).send({ type: 'navigationCommitted', tabId: 1, frameId: 0, url: C, transitionType: 'typed' });
    expect(s.events.at(-1)?.params).toEqual({ truncated: true });
  });

  it('no longer takes a tab moved to another window as the active tab of the window it left', () => {
    const s = Scenario.started().open(A);
    // Dragged out into a new window 2, which takes the focus: the view ends while no tab of
    // the new window is known, and the tab's page is seen again once it is attached there.
    s.wait(2).send({ type: 'windowFocusChanged', windowId: 2 });
    s.send({ type: 'tabAttached', tabId: 1, windowId: 2 });
    s.send({ type: 'tabActivated', tabId: 1, windowId: 2 });
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 2s`, `view ${A} @2`]);
    s.clear();
    // Back to window 1, which has no tab of its own now: nothing there is seen.
    s.wait(3).send({ type: 'windowFocusChanged', windowId: 1 });
    expect(s.lines()).toEqual([`done ${A} @2 3s`]);
  });
});

describe('a burst of same-document URL changes is one view (the settle rule, SETTLE_MS)', () => {
  const APP = 'https://app.example/find';
  const spa = (s: Scenario, url: string, fields: { forwardBack?: boolean } = {}) =>
    s.send({ type: 'historyStateUpdated', tabId: 1, frameId: 0, url, ...fields });

  it('makes one view of the address typing settles on, starting at the first change', () => {
    const s = Scenario.started().open(APP);
    s.wait(4);
    for (const [i, q] of ['h', 'he', 'hel', 'hell', 'hello'].entries()) {
      if (i > 0) s.wait(0.28);
      spa(s, `${APP}?q=${q}`);
    }
    // The page before the typing ended at the first keystroke; nothing of the burst yet.
    expect(s.lines()).toEqual([`view ${APP} @0`, `done ${APP} @0 4s`]);
    s.settle().wait(10).open(C);
    expect(s.lines()).toEqual([
      `view ${APP} @0`,
      `done ${APP} @0 4s`,
      `view ${APP}?q=hello @4`,
      `done ${APP}?q=hello @4 12s`,
      `view ${C} @16.12`,
    ]);
  });

  it('makes separate views of changes further apart than the settle time', () => {
    const s = Scenario.started().open(APP).wait(2);
    spa(s, `${APP}/a`);
    s.wait(1.5);
    spa(s, `${APP}/b`);
    s.settle();
    expect(s.lines()).toEqual([`view ${APP} @0`, `done ${APP} @0 2s`, `view ${APP}/a @2`, `done ${APP}/a @2 1s`, `view ${APP}/b @3.5`]);
  });

  it('does not delay a full load, a tab switch or back/forward: the settling view is recorded at once', () => {
    const s = Scenario.started().open(APP).open(B, { id: 2, active: false });
    spa(s, `${APP}/a`);
    s.wait(0.5).activate(2, B);
    expect(s.lines()).toEqual([`view ${APP} @0`, `done ${APP} @0 0s`, `view ${APP}/a @0`, `done ${APP}/a @0 0s`, `view ${B} @0.5`]);
    s.clear().activate(1, `${APP}/a`);
    spa(s, `${APP}/b`);
    s.wait(0.3).open(C);
    expect(s.lines()).toEqual([`done ${B} @0.5 0s`, `view ${APP}/a @0.5`, `done ${APP}/a @0.5 0s`, `view ${APP}/b @0.5`, `done ${APP}/b @0.5 0s`, `view ${C} @0.8`]);
    s.clear();
    spa(s, `${C}#x`); // fragment only: nothing
    spa(s, `${C}next`, { forwardBack: true });
    expect(s.lines()).toEqual([`done ${C} @0.8 0s`, `view ${C}next @0.8`]);
  });

  it('ends a burst at a back or forward navigation, which is a view of its own at once', () => {
    const s = Scenario.started().open(APP).wait(3);
    spa(s, `${APP}?tab=2`);
    s.wait(0.4);
    spa(s, APP, { forwardBack: true });
    expect(s.lines()).toEqual([`view ${APP} @0`, `done ${APP} @0 3s`, `view ${APP}?tab=2 @3`, `done ${APP}?tab=2 @3 0s`, `view ${APP} @3.4`]);
  });

  it('keeps the settling view through a worker restart, in the state and in the log', () => {
    const s = Scenario.started().open(APP).wait(1);
    spa(s, `${APP}?q=a`);
    const logged = s.state.view;
    expect(logged?.settleUntil).toBe(T0 + 2000);
    s.restartWorker().wait(0.3);
    spa(s, `${APP}?q=ab`);
    s.settle();
    expect(s.lines().slice(2)).toEqual([`view ${APP}?q=ab @1`]);

    // A worker whose state was not saved yet takes the log's word: the pending view settles.
    const t = Scenario.started().open(APP).wait(1);
    const stale = structuredClone(t.state);
    spa(t, `${APP}?q=a`);
    t.state = resumeState(stale, t.state.view);
    t.settle();
    expect(t.lines()).toEqual([`view ${APP} @0`, `done ${APP} @0 1s`, `view ${APP}?q=a @1`]);
  });

  it('records one SEARCH of the terms a single-page results page settles on', () => {
    const s = Scenario.started({ searchRules: [{ host: 'app.example', param: 'q' }] }).open(APP);
    s.wait(2);
    for (const q of ['c', 'ca', 'cat']) {
      spa(s, `${APP}?q=${q}`);
      s.wait(0.2);
    }
    s.settle();
    expect(s.lines()).toEqual([`view ${APP} @0`, `done ${APP} @0 2s`, `search "cat" ${APP}?q=cat @3.6`]);
  });
});

describe('tracking parameters (docs/design.md §6)', () => {
  const LAND = 'https://shop.example/land';

  it('are not recorded, and a page that removes them from its address is one view', () => {
    const s = Scenario.started().open(`${LAND}?utm_source=news&utm_medium=email&id=7`);
    s.wait(0.1).send({ type: 'historyStateUpdated', tabId: 1, frameId: 0, url: `${LAND}?id=7` });
    s.wait(5).open(C);
    expect(s.lines()).toEqual([`view ${LAND}?id=7 @0`, `done ${LAND}?id=7 @0 5s`, `view ${C} @5.1`]);
  });

  it('are kept when the setting says so', () => {
    const s = Scenario.started({ keepTrackingParams: true }).open(`${LAND}?utm_source=news&id=7`);
    expect(s.lines()).toEqual([`view ${LAND}?utm_source=news&id=7 @0`]);
  });
});

describe('sound counts as attention (countAudibleTime)', () => {
  const audible = (s: Scenario, on: boolean) => s.send({ type: 'tabAudibleChanged', tabId: 1, audible: on });

  it('idle does not end the view of a tab that plays sound; the end of the sound does', () => {
    const s = Scenario.started().open(A);
    audible(s, true);
    s.wait(15).send({ type: 'idleStateChanged', state: 'idle' });
    s.wait(25);
    expect(s.lines()).toEqual([`view ${A} @0`]);
    audible(s, false);
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 40s`]);
    s.wait(5).send({ type: 'idleStateChanged', state: 'active' });
    expect(s.lines().at(-1)).toBe(`view ${A} @45`);
  });

  it('a tab that starts playing sound while the user is idle is watched from then on', () => {
    const s = Scenario.started().open(A).wait(20).send({ type: 'idleStateChanged', state: 'idle' });
    s.wait(10);
    audible(s, true);
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 20s`, `view ${A} @30`]);
  });

  it('a locked screen still ends it', () => {
    const s = Scenario.started().open(A);
    audible(s, true);
    s.wait(15).send({ type: 'idleStateChanged', state: 'idle' });
    s.wait(5).send({ type: 'idleStateChanged', state: 'locked' });
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 20s`]);
  });

  it('counts only the tab in front: sound in a background tab keeps nothing open', () => {
    const s = Scenario.started().open(A).open(B, { id: 2, active: false });
    s.send({ type: 'tabAudibleChanged', tabId: 2, audible: true });
    s.wait(15).send({ type: 'idleStateChanged', state: 'idle' });
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 15s`]);
  });

  it('does not count sound when the setting is off', () => {
    const s = Scenario.started({ countAudibleTime: false }).open(A);
    audible(s, true);
    s.wait(15).send({ type: 'idleStateChanged', state: 'idle' });
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 15s`]);
  });

  it('knows a tab plays sound from its snapshot', () => {
    const s = Scenario.started().open(A, { audible: true });
    s.wait(15).send({ type: 'idleStateChanged', state: 'idle' });
    expect(s.lines()).toEqual([`view ${A} @0`]);
  });
});

describe('sleep is not reading', () => {
  it('ends a view open across a suspend at the last moment seen alive, and starts a new one on waking', () => {
    const s = Scenario.started().open(A).wait(50); // heartbeat at @30
    s.sleep(3600).send({ type: 'heartbeat' });
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 30s`, `view ${A} @3650`]);
  });

  it('ends it at the last moment seen alive when the screen is reported locked after a gap', () => {
    const s = Scenario.started().open(A).wait(10).send({ type: 'tabTitleChanged', tabId: 1, title: 'A', url: A });
    s.sleep(60).send({ type: 'idleStateChanged', state: 'locked' });
    s.wait(2).send({ type: 'idleStateChanged', state: 'active' });
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 10s`, `view ${A} @72`]);
  });

  it('takes a heartbeat a little late for a busy browser, not for a sleep', () => {
    const s = Scenario.started().open(A);
    s.sleep(75).send({ type: 'heartbeat' });
    s.wait(5).open(B);
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 80s`, `view ${B} @80`]);
  });

  it('ends a normal lock where it was reported', () => {
    const s = Scenario.started().open(A).wait(40).send({ type: 'idleStateChanged', state: 'locked' });
    expect(s.lines()).toEqual([`view ${A} @0`, `done ${A} @0 40s`]);
  });
});

describe('titles follow the page through same-document navigations', () => {
  const ITEM = 'https://rr.example/app/item/42';
  it('gives a back navigation the title reported for its address before the history update', () => {
    const s = Scenario.started().open(ITEM).send({ type: 'tabTitleChanged', tabId: 1, title: 'RR Item 42', url: ITEM });
    s.wait(2).send({ type: 'historyStateUpdated', tabId: 1, frameId: 0, url: `${ITEM}?tab=2` });
    s.send({ type: 'tabTitleChanged', tabId: 1, title: 'RR Item 42 (tab 2)', url: `${ITEM}?tab=2` });
    s.wait(3).send({ type: 'tabTitleChanged', tabId: 1, title: 'RR Item 42', url: ITEM });
    s.send({ type: 'historyStateUpdated', tabId: 1, frameId: 0, url: ITEM, forwardBack: true });
    s.wait(4).open(C);
    const done = s.events.filter((event) => event.params?.duration !== undefined);
    expect(done.map((event) => [event.url, event.params?.title])).toEqual([
      [ITEM, 'RR Item 42'],
      [`${ITEM}?tab=2`, 'RR Item 42 (tab 2)'],
      [ITEM, 'RR Item 42'],
    ]);
  });

  it('gives a settling page the title reported for its newest address', () => {
    const s = Scenario.started().open(ITEM);
    s.wait(1).send({ type: 'historyStateUpdated', tabId: 1, frameId: 0, url: `${ITEM}?q=a` });
    s.wait(0.2).send({ type: 'tabTitleChanged', tabId: 1, title: 'Find ab', url: `${ITEM}?q=ab` });
    s.send({ type: 'historyStateUpdated', tabId: 1, frameId: 0, url: `${ITEM}?q=ab` });
    s.settle();
    expect(s.events.at(-1)).toMatchObject({ url: `${ITEM}?q=ab`, params: { truncated: true, title: 'Find ab' } });
  });
});
