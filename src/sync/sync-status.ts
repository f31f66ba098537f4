import * as z from 'zod/mini';

/** Why sync failed when it is something we say in our own words (the status line translates it). */
export const SyncProblemSchema = z.literal([
  /** A 2xx with an HTML body: a catch-all route or a captive portal, not the activity API. */
  'notApi',
]);
export type SyncProblem = z.infer<typeof SyncProblemSchema>;

/** What the popup shows of sync, and what a restarted worker must remember (storage.local). */
export const SyncStatusSchema = z.object({
  /**
   * `auth-error` stops sync until the settings change (docs/design.md §5); so does `refusing`: the
   * server refuses every event alike (a wrong path behind a proxy, a WAF, a schema change), and
   * the events stay pending rather than all being rejected.
   */
  state: z._default(z.literal(['idle', 'backoff', 'auth-error', 'refusing']), 'idle'),
  lastSuccessAt: z._default(z.nullable(z.number()), null),
  lastError: z._default(z.nullable(z.string()), null),
  /** Set when `lastError` is one of ours, so the popup can say it in the user's language. */
  lastProblem: z._default(z.nullable(SyncProblemSchema), null),
  /** Failed tries in a row; drives the backoff and the badge's `!`. */
  failures: z._default(z.int().check(z.nonnegative()), 0),
  nextAttemptAt: z._default(z.nullable(z.number()), null),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

export const SYNC_STATUS_KEY = 'syncStatus';

export function parseSyncStatus(stored: unknown): SyncStatus {
  return SyncStatusSchema.safeParse(stored ?? {}).data ?? SyncStatusSchema.parse({});
}
