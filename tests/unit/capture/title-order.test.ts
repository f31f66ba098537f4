import { describe, expect, it } from 'vitest';
import { Scenario } from './scenario';

const A = 'https://example.com/a';
const B = 'https://example.com/b';

// Firefox replays the events that woke a suspended event page listener by listener, not in
// the order they happened: the next page's `tabs.onUpdated` title can reach the capture
// machine before the `webNavigation.onCommitted` that ends the current view (seen in
// Firefox ESR 153, tests/e2e). A title belongs to the page at the URL it was reported for.
describe('a title reported for another URL than the page the machine holds', () => {
  it('does not become the title of the current view', () => {
    const s = Scenario.started().open(A);
    s.send({ type: 'tabTitleChanged', tabId: 1, title: 'Page A', url: A });
    // Replayed out of order: B's title first, then B's commit (its snapshot has the title).
    s.wait(2).send({ type: 'tabTitleChanged', tabId: 1, title: 'Page B', url: B });
    s.open(B, { title: 'Page B', transition: 'link' });
    s.wait(1).open('about:blank');
    const titles = s.events.map((event) => [event.url, event.params?.truncated ? 'start' : 'done', event.params?.title]);
    expect(titles).toEqual([
      [A, 'start', undefined],
      [A, 'done', 'Page A'],
      [B, 'start', 'Page B'],
      [B, 'done', 'Page B'],
    ]);
  });

  it('still applies to the page when only the fragment differs', () => {
    const s = Scenario.started().open(A);
    s.send({ type: 'fragmentUpdated', tabId: 1, frameId: 0, url: `${A}#part` });
    s.wait(1).send({ type: 'tabTitleChanged', tabId: 1, title: 'Part of A', url: `${A}#part` });
    s.open(B);
    expect(s.events[1]?.params?.title).toBe('Part of A');
  });

  it('applies when the browser does not say the URL (as before)', () => {
    const s = Scenario.started().open(A);
    s.send({ type: 'tabTitleChanged', tabId: 1, title: 'Title A' });
    s.open(B);
    expect(s.events[1]?.params?.title).toBe('Title A');
  });
});
