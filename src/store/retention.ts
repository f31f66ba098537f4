import type Browser from 'webextension-polyfill';
import type { AlarmJobs } from '../platform/alarm-table';
import type { SettingsReader } from '../settings/settings-reader';
import type { EventLog, PruneResult, RetentionPolicy } from './event-log';

export const PRUNE_ALARM = 'prune-log';

export interface RetentionDeps {
  log: Pick<EventLog, 'prune'>;
  /** The retention the user (or the policy) chose, read at each run. */
  policy: () => Promise<RetentionPolicy>;
  /** Told of a run that failed; the next run (the hourly alarm) tries again. */
  onError: (error: unknown) => void;
}

/**
 * One retention run (docs/design.md §4), from the hourly alarm. It never rejects: a prune that
 * fails (the database cannot be opened, a transaction aborts) is reported and changes
 * nothing — every deletion happens in one transaction — and the next run tries again.
 * Resolves to what was pruned, or null when the run failed.
 */
export async function runRetention({ log, policy, onError }: RetentionDeps): Promise<PruneResult | null> {
  try {
    return await log.prune(await policy());
  } catch (error) {
    onError(error);
    return null;
  }
}

/**
 * Retention every hour, off the recording path (docs/design.md §4): the alarm's job for the
 * alarm table, with the limits in force at each run. The alarm is created once: a worker wakes
 * far more often than hourly, and creating it again at each start would push its first run
 * away every time.
 */
export function hourlyRetention({
  log,
  settings,
  alarms,
  onError,
}: {
  log: Pick<EventLog, 'prune'>;
  settings: Pick<SettingsReader, 'settings'>;
  alarms: Pick<Browser.Alarms.Static, 'get' | 'create'>;
  onError: (error: unknown) => void;
}): AlarmJobs {
  void alarms
    .get(PRUNE_ALARM)
    .then((existing) => (existing ? undefined : alarms.create(PRUNE_ALARM, { delayInMinutes: 1, periodInMinutes: 60 })))
    .catch(onError);
  return { [PRUNE_ALARM]: () => void runRetention({ log, policy: () => settings.settings(), onError }) };
}
