/**
 * Rejects if `promise` has not settled within `ms`. Needed because some Playwright calls never
 * settle on their own: `worker.evaluate` on a stopped service worker waits until something else
 * restarts the worker (Chromium 156), and that may never happen.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
