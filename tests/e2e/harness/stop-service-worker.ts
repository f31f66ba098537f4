import type { BrowserContext, CDPSession, Page } from 'playwright-core';

type RunningStatus = 'stopped' | 'starting' | 'running' | 'stopping';

/**
 * Stops the extension's service worker the way Chrome does when it is idle, and resolves once
 * Chromium reports it `stopped`. Chrome never stops it by itself while a debugger (Playwright)
 * is attached, so tests that prove "state survives the worker" must stop it explicitly.
 *
 * Quirks (Chromium 156): the `ServiceWorker` CDP domain is not on the browser target
 * ("'ServiceWorker.enable' wasn't found"), only on a page target, so this borrows a page of
 * the context; `stopAllWorkers` from there also stops the extension's worker. Playwright does
 * not notice the stop: its `Worker` handle stays open, and its `evaluate` waits until
 * something (a navigation event, a message) restarts the worker.
 */
export async function stopServiceWorker(
  context: BrowserContext,
  extensionId: string,
  { viaPage, timeout = 5_000 }: { viaPage?: Page; timeout?: number } = {},
): Promise<void> {
  const page = viaPage ?? context.pages()[0];
  if (!page) {
    throw new Error('stopServiceWorker needs an open page to reach the ServiceWorker CDP domain');
  }
  const session = await context.newCDPSession(page);
  try {
    const statuses = trackWorkerStatus(session, `chrome-extension://${extensionId}/`);
    await session.send('ServiceWorker.enable');
    await session.send('ServiceWorker.stopAllWorkers');
    await statuses.waitFor('stopped', timeout);
  } finally {
    await session.detach().catch(() => {});
  }
}

/**
 * Follows `ServiceWorker.workerVersionUpdated` for the workers whose script is under
 * `scriptPrefix`. Only each version's latest status counts: `enable` first replays the current
 * one (`running`), then the stop reports `stopping` and `stopped`.
 */
function trackWorkerStatus(session: CDPSession, scriptPrefix: string) {
  const latest = new Map<string, RunningStatus>();
  const listeners = new Set<() => void>();
  session.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const version of versions) {
      if (version.scriptURL.startsWith(scriptPrefix)) {
        latest.set(version.versionId, version.runningStatus);
      }
    }
    for (const listener of listeners) listener();
  });
  const allAre = (status: RunningStatus) =>
    latest.size > 0 && [...latest.values()].every((s) => s === status);

  return {
    waitFor(status: RunningStatus, timeout: number): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!allAre(status)) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          const seen = JSON.stringify(Object.fromEntries(latest));
          const message =
            `Service worker under ${scriptPrefix} not ${status} within ${timeout} ms; ` +
            `last seen: ${seen}`;
          reject(new Error(message));
        }, timeout);
        listeners.add(check);
        check();
      });
    },
  };
}
