import type { SyncStatus } from '../sync/sync-status';
import { formatRelativeTime } from './log-row';

export interface StatusFacts {
  paused: boolean;
  pending: number;
  sync: SyncStatus;
  /** An endpoint is set and sync is on. */
  syncConfigured: boolean;
  now: number;
  locale?: string;
}

/** The popup's status line (design.md §7): logging on or paused, pending, last sync, last error. */
export function statusLine(facts: StatusFacts): string {
  const { sync, now, locale } = facts;
  const parts = [facts.paused ? 'Paused' : 'Logging on', `${facts.pending.toLocaleString(locale)} pending`];
  if (!facts.syncConfigured) {
    parts.push('sync off');
    return parts.join(' · ');
  }
  parts.push(sync.lastSuccessAt === null ? 'never synced' : `last sync ${formatRelativeTime(sync.lastSuccessAt, now, locale)}`);
  if (sync.state === 'auth-error') parts.push(`sync stopped: the server refused the token (${sync.lastError ?? 'no reason given'})`);
  else if (sync.lastError) parts.push(`last error: ${sync.lastError}`);
  return parts.join(' · ');
}
