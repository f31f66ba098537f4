import type { LogHealth } from '../settings/stored-items';
import type { SyncStatus } from '../settings/stored-items';
import type { MessageKey, Translate } from './i18n';
import { formatExactTime, formatRelativeTime } from './log-row';

export interface StatusFacts {
  paused: boolean;
  /** When a timed pause ends (epoch ms); null for "until I resume". */
  pausedUntil?: number | null;
  pending: number;
  sync: SyncStatus;
  /** An endpoint is set and sync is on. */
  syncConfigured: boolean;
  now: number;
  locale?: string;
  /** Whether capture's writes reach the log (storage.session). */
  logHealth?: LogHealth;
}

/**
 * Capture's writes fail (docs/design.md §4 "When a write fails"): why, in words, and how much
 * waits. Shown even when the log cannot be read at all — a full disk can refuse that too.
 */
export function notSavedLine(health: LogHealth, t: Translate, locale?: string): string {
  return t('statusNotSaved', writeFailureWords(health, t), health.waiting.toLocaleString(locale), health.failedWrites.toLocaleString(locale));
}

/**
 * The worker records why a write failed as a code (`writeFailureCause`); these are its words,
 * `$1` in them the browser's own (where a message has no `$1`, the substitution is unused).
 */
const WRITE_FAILURE_WORDS = {
  diskFull: 'writeFailureDiskFull',
  newerLog: 'writeFailureNewerLog',
  unwritable: 'writeFailureUnwritable',
  failed: 'writeFailureOther',
} as const satisfies Record<NonNullable<LogHealth['reason']>, MessageKey>;

function writeFailureWords({ reason, detail }: LogHealth, t: Translate): string {
  if (reason === null) return t('statusNoReason');
  return t(WRITE_FAILURE_WORDS[reason], detail ?? t('statusNoReason'));
}

/**
 * The popup's status line (docs/design.md §7): logging on or paused, pending, last sync, last error.
 * The error is the server's or the network's own words, after ours saying what it means.
 */
export function statusLine(facts: StatusFacts, t: Translate): string {
  const { sync, now, locale } = facts;
  const parts = [
    !facts.paused
      ? t('statusLogging')
      : typeof facts.pausedUntil === 'number'
        ? t('statusPausedUntil', formatExactTime(facts.pausedUntil, locale))
        : t('statusPaused'),
    t('statusPending', facts.pending.toLocaleString(locale)),
  ];
  // First: what is recorded is not being kept, which matters more than how sync is doing.
  if (facts.logHealth?.failing) parts.unshift(notSavedLine(facts.logHealth, t, locale));
  // Before even that: what was kept is gone (docs/design.md §4 "A log the browser discards").
  if (typeof facts.logHealth?.discardedSince === 'number') {
    parts.unshift(t('statusLogDiscarded', formatExactTime(facts.logHealth.discardedSince, locale)));
  }
  if (!facts.syncConfigured) {
    parts.push(t('statusSyncOff'));
    return parts.join(' · ');
  }
  parts.push(
    sync.lastSuccessAt === null
      ? t('statusNeverSynced')
      : t('statusLastSync', formatRelativeTime(sync.lastSuccessAt, now, locale)),
  );
  const reason = sync.lastProblem === 'notApi' ? t('reasonNotApi') : (sync.lastError ?? t('statusNoReason'));
  if (sync.state === 'auth-error') parts.push(t('statusAuthError', reason));
  else if (sync.state === 'refusing') parts.push(t('statusRefusing', reason));
  else if (sync.state === 'backoff' && sync.nextAttemptAt !== null) {
    parts.push(t('statusRetrying', reason, formatRelativeTime(sync.nextAttemptAt, now, locale)));
  } else if (sync.lastError) parts.push(t('statusLastError', reason));
  return parts.join(' · ');
}
