import { withTimeout } from './with-timeout';

export interface EventuallyOptions {
  /** How long to keep trying, in ms. Default 5000. */
  timeout?: number;
  /** Pause between attempts, in ms. Default 50. */
  interval?: number;
}

/**
 * Calls `attempt` until it returns without throwing, and resolves to what it returned.
 * On timeout it rejects with the last attempt's error, so a failing `expect` inside reads as
 * the real difference. Recording in the extension is asynchronous (webNavigation event →
 * worker → IndexedDB), so tests poll for an outcome instead of sleeping a guessed time.
 */
export async function eventually<T>(
  attempt: () => T | Promise<T>,
  { timeout = 5_000, interval = 50 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeout;
  let lastFailure: unknown;
  for (let tries = 1; ; tries++) {
    const remaining = Math.max(deadline - Date.now(), 1);
    try {
      // An attempt that hangs must not outlive the deadline either.
      return await withTimeout(Promise.resolve().then(attempt), remaining, 'attempt');
    } catch (error) {
      // An attempt cut short by the deadline says less than the real failure before it.
      const cutShort = Date.now() >= deadline;
      if (!cutShort || lastFailure === undefined) lastFailure = error;
      if (Date.now() + interval >= deadline) {
        const reason = lastFailure instanceof Error ? lastFailure.message : String(lastFailure);
        throw new Error(`Still failing after ${timeout} ms (${tries} tries): ${reason}`, {
          cause: lastFailure,
        });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
