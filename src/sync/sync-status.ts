import { z } from 'zod';

/** What the popup shows of sync, and what a restarted worker must remember (storage.local). */
export const SyncStatusSchema = z.object({
  /** `auth-error` stops sync until the settings change (docs/design.md §5). */
  state: z.enum(['idle', 'backoff', 'auth-error']).default('idle'),
  lastSuccessAt: z.number().nullable().default(null),
  lastError: z.string().nullable().default(null),
  /** Failed tries in a row; drives the backoff and the badge's `!`. */
  failures: z.int().nonnegative().default(0),
  nextAttemptAt: z.number().nullable().default(null),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

export const SYNC_STATUS_KEY = 'syncStatus';

export function parseSyncStatus(stored: unknown): SyncStatus {
  return SyncStatusSchema.safeParse(stored ?? {}).data ?? SyncStatusSchema.parse({});
}
