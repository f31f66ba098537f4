import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import background, { type BackgroundStatus } from '../../entrypoints/background';
import { openEventLog } from '../../src/store/event-log';

const status = () => (globalThis as { activityLogger?: BackgroundStatus }).activityLogger;

async function recordedUrls(expected: number): Promise<string[]> {
  const log = await openEventLog(indexedDB);
  try {
    for (let tries = 0; tries < 100; tries++) {
      const entries = await log.recent(100);
      if (entries.length >= expected) return entries.map((e) => e.event.url);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return (await log.recent(100)).map((e) => e.event.url);
  } finally {
    log.close();
  }
}

beforeEach(() => {
  fakeBrowser.reset();
  indexedDB = new (indexedDB.constructor as { new (): IDBFactory })();
});

describe('background wiring', () => {
  it('signals readiness only once its listeners are registered', () => {
    (globalThis as { activityLogger?: BackgroundStatus }).activityLogger = undefined;
    background.main();
    expect(status()?.ready).toBe(true);
    expect(fakeBrowser.webNavigation.onCommitted.hasListeners()).toBe(true);
  });

  it('turns committed top-frame navigations into stored VIEWs', async () => {
    background.main();
    const commit = (frameId: number, url: string) =>
      fakeBrowser.webNavigation.onCommitted.trigger({
        tabId: 1,
        frameId,
        url,
        processId: 1,
        parentFrameId: -1,
        timeStamp: Date.now(),
        transitionType: 'typed',
        transitionQualifiers: [],
      } as never);
    await commit(0, 'https://example.com/one');
    await commit(5, 'https://ads.example/frame');
    await commit(0, 'https://example.com/two');
    expect(await recordedUrls(2)).toEqual(['https://example.com/two', 'https://example.com/one']);
    expect(status()?.lastError).toBeUndefined();
  });
});
