import type { TotalsLocks } from '../../../src/store/totals-cache';

/** Web Locks of one origin, as far as the log uses them: one holder at a time, the others wait. */
export function fakeLocks(): TotalsLocks {
  let held: Promise<unknown> | null = null;
  return {
    async request(_name, callback) {
      while (held) await held.catch(() => undefined);
      const granted = callback({});
      held = granted;
      try {
        return await granted;
      } finally {
        held = null;
      }
    },
  };
}
