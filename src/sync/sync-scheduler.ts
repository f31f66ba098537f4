import type Browser from 'webextension-polyfill';
import type { AlarmJobs } from '../platform/alarm-table';
import { watchItems } from '../platform/stored-item';
import { syncConfigured, type Settings } from '../settings/settings';
import type { SettingsReader } from '../settings/settings-reader';
import type { EventLog } from '../store/event-log';
import type { RecordingLog } from '../store/recording-log';
import { LOG_HEALTH, PAUSE, SYNC_SESSION_STARTED, SYNC_STATUS } from '../settings/stored-items';
import { logNeedsAttention } from '../store/log-health';
import { badgeText } from './badge';
import type { Sync, SyncReport } from './sync-engine';

export const SYNC_SOON_ALARM = 'sync-soon';
export const SYNC_PERIODIC_ALARM = 'sync-periodic';
export const SYNC_RETRY_ALARM = 'sync-retry';
/** The first pending event waits this long, so what follows it goes in the same request. */
export const FIRST_EVENT_DELAY_MS = 30_000;

export type SchedulerBrowser = Pick<Browser.Browser, 'alarms' | 'storage'> & {
  action?: Pick<Browser.Action.Static, 'setBadgeText' | 'setBadgeBackgroundColor'>;
};

export interface SyncSchedulerDeps {
  browser: SchedulerBrowser;
  sync: Sync;
  /** The settings in force; a change of them ends an auth error or a backoff. */
  settings: Pick<SettingsReader, 'settings' | 'onChange'>;
  log: Pick<EventLog, 'countState'>;
  clock?: () => number;
  onError?: (error: unknown) => void;
  /** How long the work after recording waits, so a burst of recordings is one round. */
  afterRecordingDelayMs?: number;
}

/**
 * A page load brings several recordings within a second, and the browser is busiest then:
 * the reads and the badge update after recording wait this long, so they neither compete with
 * the next recording (capture latency, BENCHMARKS.md) nor run once per event.
 */
export const AFTER_RECORDING_DELAY_MS = 500;

export interface SyncScheduler {
  /** The jobs of sync's alarms (soon after recording, periodic, the end of a backoff), for the alarm table. */
  alarms: AlarmJobs;
  /** Call after events were recorded: schedules the next sync (docs/design.md §5 triggers). */
  eventsRecorded(): Promise<void>;
  /** Runs a sync now and updates the badge. */
  syncNow(options?: { force?: boolean }): Promise<SyncReport>;
  /** Recounts what the badge shows, e.g. after the popup deleted records. */
  refreshBadge(): Promise<void>;
}

/**
 * When sync runs: 30 s after the first pending event, at once for a full batch of backlog,
 * on the periodic alarm, when a browser session starts, on "Sync now", and when a backoff ends.
 * Listeners are registered synchronously by the caller's top-level code.
 */
export function startSyncScheduler(deps: SyncSchedulerDeps): SyncScheduler {
  const { browser, sync, log, clock = Date.now, onError = console.error, afterRecordingDelayMs = AFTER_RECORDING_DELAY_MS } = deps;
  const { alarms, storage, action } = browser;

  let afterRecording: Promise<void> | null = null;
  let recordedAgain = false;

  async function scheduleAfterRecording(): Promise<void> {
    const [settings, pending] = await Promise.all([deps.settings.settings(), log.countState('pending')]);
    const configured = syncConfigured(settings);
    if (configured && pending >= settings.batchMaxEvents) {
      await syncNow();
      return;
    }
    if (configured && !(await alarms.get(SYNC_SOON_ALARM))) {
      await alarms.create(SYNC_SOON_ALARM, { when: clock() + FIRST_EVENT_DELAY_MS });
    }
    await updateBadge({ settings, pending });
  }

  /** Shows the pending count or the sync problem; `known` saves reading what the caller read. */
  async function updateBadge(known?: { settings: Settings; pending: number }): Promise<void> {
    if (!action) return;
    const [settings, pending, status, health] = await Promise.all([
      known?.settings ?? deps.settings.settings(),
      // A log that cannot be read has no count to show; the `!` of its failing writes still shows.
      known?.pending ?? log.countState('pending').catch(() => 0),
      SYNC_STATUS.get(storage),
      LOG_HEALTH.get(storage),
    ]);
    const configured = syncConfigured(settings);
    const text = badgeText(pending, status, configured, logNeedsAttention(health));
    await action.setBadgeText({ text });
    if (text === '!') await action.setBadgeBackgroundColor({ color: '#b3261e' });
  }

  async function syncNow({ force = false } = {}): Promise<SyncReport> {
    const report = await sync.run({ force });
    if (report.status.nextAttemptAt !== null && report.outcome === 'failed') {
      await alarms.create(SYNC_RETRY_ALARM, { when: report.status.nextAttemptAt });
    }
    await updateBadge();
    return report;
  }

  const runInBackground = () => void syncNow().catch(onError);

  /**
   * The first worker of a browser session syncs what an earlier session left pending.
   * storage.session is empty only then (and after the extension is updated or reloaded),
   * which runtime.onStartup does not cover.
   */
  async function syncOnBrowserStart(): Promise<void> {
    if (await SYNC_SESSION_STARTED.get(storage)) return;
    await SYNC_SESSION_STARTED.set(storage, true);
    await syncNow();
  }

  async function ensurePeriodicAlarm(): Promise<void> {
    const { syncIntervalMinutes } = await deps.settings.settings();
    const existing = await alarms.get(SYNC_PERIODIC_ALARM);
    if (existing?.periodInMinutes !== syncIntervalMinutes) {
      await alarms.create(SYNC_PERIODIC_ALARM, { periodInMinutes: syncIntervalMinutes });
    }
  }

  // The administrator's policy changes the settings in force as much as the user does.
  deps.settings.onChange(() => {
    // New settings end an auth error and a backoff: the next try uses them at once.
    void (async () => {
      const status = await SYNC_STATUS.get(storage);
      if (status.state !== 'idle') await SYNC_STATUS.set(storage, { ...status, state: 'idle', nextAttemptAt: null, failures: 0 });
      await ensurePeriodicAlarm();
      await syncNow();
    })().catch(onError);
  });
  // The badge follows the log's health (a failing write, a discarded log: `!`) and a pause
  // wherever they are written; the popup's deletions, which change only the log, come as
  // `logChanged` (`refreshBadge`).
  watchItems(storage, [LOG_HEALTH, PAUSE], () => void updateBadge().catch(onError));
  void ensurePeriodicAlarm().catch(onError);
  void syncOnBrowserStart().catch(onError);

  return {
    alarms: { [SYNC_SOON_ALARM]: runInBackground, [SYNC_PERIODIC_ALARM]: runInBackground, [SYNC_RETRY_ALARM]: runInBackground },
    eventsRecorded() {
      // Recording is frequent: one round of this work at a time, and one more afterwards
      // for whatever was recorded meanwhile, so it never piles up behind capture.
      if (afterRecording) {
        recordedAgain = true;
        return afterRecording;
      }
      afterRecording = (async () => {
        do {
          await new Promise((resolve) => setTimeout(resolve, afterRecordingDelayMs));
          // What is recorded from here on needs a round of its own.
          recordedAgain = false;
          await scheduleAfterRecording();
        } while (recordedAgain);
      })().finally(() => {
        afterRecording = null;
      });
      return afterRecording;
    },
    syncNow,
    refreshBadge: () => updateBadge(),
  };
}

/**
 * The log's append, then the sync schedule (docs/design.md §5 "When"): what capture and the
 * history import record is pending, so the badge and the next sync follow. Scheduling is off
 * the append's path; a failure of it is reported, never the append's.
 */
export function appendThenSchedule(
  log: Pick<RecordingLog, 'append'>,
  scheduler: Pick<SyncScheduler, 'eventsRecorded'>,
  onError: (error: unknown) => void,
): RecordingLog['append'] {
  return async (events, options) => {
    const written = await log.append(events, options);
    if (written > 0) scheduler.eventsRecorded().catch(onError);
    return written;
  };
}
