import type { SyncStatus } from '../settings/stored-items';

/** Failures in a row after which the badge warns (docs/design.md §5: "repeated sync error"). */
export const FAILURES_BEFORE_WARNING = 3;

/**
 * The toolbar badge: `!` when the log refuses capture's writes (whatever sync does), when
 * sync is stopped (auth error, refusals) or after repeated failures, else the pending count.
 */
export function badgeText(pending: number, status: SyncStatus, syncConfigured: boolean, logFailing = false): string {
  if (logFailing) return '!';
  if (syncConfigured && (status.state === 'auth-error' || status.state === 'refusing' || status.failures >= FAILURES_BEFORE_WARNING)) return '!';
  if (!syncConfigured || pending === 0) return '';
  return pending > 999 ? '999+' : String(pending);
}
