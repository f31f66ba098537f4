import { describe, expect, it } from 'vitest';
import { createNavigationRecorder } from '../../../src/capture/navigation-recorder';
import type { RecordedEvent } from '../../../src/model/activity-event';
import { uuidv7 } from '../../../src/model/event-id';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0, 250);

function recorder() {
  const recorded: RecordedEvent[] = [];
  const capture = createNavigationRecorder({
    record: async (events) => recorded.push(...events),
    clock: () => NOW,
    newId: uuidv7,
  });
  return { capture, recorded };
}

describe('navigation recorder (first slice)', () => {
  it('records one VIEW for a committed top-frame http(s) page, at the commit time', async () => {
    const { capture, recorded } = recorder();
    await capture.committed({ tabId: 1, frameId: 0, url: 'https://example.com/a' });
    expect(recorded).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/),
        action: 'VIEW',
        timestamp: '2026-11-27T12:00:00.250Z',
        url: 'https://example.com/a',
      },
    ]);
  });

  it('gives every view its own id', async () => {
    const { capture, recorded } = recorder();
    await capture.committed({ tabId: 1, frameId: 0, url: 'https://example.com/a' });
    await capture.committed({ tabId: 1, frameId: 0, url: 'https://example.com/a' });
    expect(new Set(recorded.map((e) => e.id)).size).toBe(2);
  });

  it.each([
    ['a subframe', { frameId: 3, url: 'https://example.com/frame' }],
    ['a prerender', { frameId: 0, url: 'https://example.com/next', documentLifecycle: 'prerender' }],
    ['about:blank', { frameId: 0, url: 'about:blank' }],
    ['an extension page', { frameId: 0, url: 'chrome-extension://abc/popup.html' }],
    ['a data: URL', { frameId: 0, url: 'data:text/html,hi' }],
  ])('records nothing for %s', async (_, navigation) => {
    const { capture, recorded } = recorder();
    expect(await capture.committed({ tabId: 1, ...navigation })).toBeNull();
    expect(recorded).toEqual([]);
  });

  it('records the sanitized URL, never credentials or the fragment', async () => {
    const { capture, recorded } = recorder();
    await capture.committed({ tabId: 1, frameId: 0, url: 'http://user:pass@127.0.0.1:8080/p?q=1#frag' });
    expect(recorded[0]?.url).toBe('http://127.0.0.1:8080/p?q=1');
  });
});
