import type { BrowserContext, Worker } from 'playwright-core';
import type { BackgroundStatus } from '../../../entrypoints/background';
import { eventually } from './eventually';
import { withTimeout } from './with-timeout';

/**
 * The extension's background service worker in `context`, once Chromium reports it.
 * `serviceWorkerFile` is the manifest's `background.service_worker`: Chromium may run other
 * (component) extensions' workers too.
 */
export async function findExtensionWorker(
  context: BrowserContext,
  serviceWorkerFile: string,
  { timeout = 10_000 } = {},
): Promise<Worker> {
  const isOurs = (worker: Worker) => {
    const url = new URL(worker.url());
    return url.protocol === 'chrome-extension:' && url.pathname === `/${serviceWorkerFile}`;
  };
  const known = context.serviceWorkers().find(isOurs);
  if (known) return known;
  try {
    return await context.waitForEvent('serviceworker', { predicate: isOurs, timeout });
  } catch (error) {
    throw new Error(
      `The extension's service worker (${serviceWorkerFile}) did not start within ${timeout} ms: ` +
        'was the extension loaded? Check the build and the --load-extension flag.',
      { cause: error },
    );
  }
}

/** The extension id is the host of its URLs, and stays the same for the same folder path. */
export function extensionIdOf(worker: Worker): string {
  return new URL(worker.url()).host;
}

/**
 * What the background reports about itself (`self.activityLogger`), or undefined before its
 * top-level code has run. Rejects if the worker does not answer in `timeout`: a stopped
 * worker does not answer until an event restarts it.
 */
export function readBackgroundStatus(
  worker: Worker,
  { timeout = 1_000 } = {},
): Promise<BackgroundStatus | undefined> {
  return withTimeout(
    worker.evaluate(() => (globalThis as { activityLogger?: BackgroundStatus }).activityLogger),
    timeout,
    'reading self.activityLogger in the service worker',
  );
}

/**
 * Resolves once the background has registered its listeners. Chromium reports the worker
 * before its top-level code has run, and navigations before that are lost
 * (browser-testing.md), so a test must wait for this before it navigates.
 */
export async function waitForBackgroundReady(
  worker: Worker,
  { timeout = 10_000 } = {},
): Promise<void> {
  await eventually(
    async () => {
      const status = await readBackgroundStatus(worker);
      if (status?.ready !== true) {
        throw new Error(
          `background not ready: self.activityLogger is ${JSON.stringify(status)}` +
            (status === undefined
              ? ' (its top-level code has not run yet, or threw: see the worker console)'
              : ''),
        );
      }
    },
    { timeout, interval: 25 },
  );
}
