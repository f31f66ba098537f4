import { defineBackground } from 'wxt/utils/define-background';
import { startCapture, type CaptureHandle } from '../src/capture/capture-adapter';
import { uuidv7 } from '../src/model/event-id';
import { historyJobs } from '../src/history/history-job';
import { routeRequests } from '../src/messaging/request-router';
import { extensionBrowser as browser } from '../src/platform/extension-browser';
import { runAlarms } from '../src/platform/alarm-table';
import { answerMessages } from '../src/platform/message-channel';
import { settingsReaderOf } from '../src/settings/settings-reader';
import { buildAggregates } from '../src/store/aggregate-backfill';
import { logHealthRecorder } from '../src/store/log-health';
import { askForPersistentStorage } from '../src/store/persistent-storage';
import { connectLogDatabase } from '../src/store/log-database';
import { checkLogKept } from '../src/store/log-discard';
import { createRecordingLog } from '../src/store/recording-log';
import { hourlyRetention } from '../src/store/retention';
import { createSync } from '../src/sync/sync-engine';
import { appendThenSchedule, startSyncScheduler, type SyncScheduler } from '../src/sync/sync-scheduler';
import { syncStorage } from '../src/sync/sync-storage';

/** What an end-to-end test reads from the worker (`self.activityLogger`). */
export interface BackgroundStatus {
  /** True once every listener is registered: events from then on are not missed. */
  ready: boolean;
  /** `performance.now()` when `ready` was set: the worker's start to its listeners registered (bench/). */
  readyAtMs?: number;
  /** The last failure, in words, for diagnosis. */
  lastError?: string;
  capture?: CaptureHandle;
  sync?: SyncScheduler;
  /** Browser event → events durable in the log, in ms, the latest 1,000 (read by bench/). */
  captureLatencyMs: number[];
}

export default defineBackground(() => {
  const status: BackgroundStatus = { ready: false, captureLatencyMs: [] };
  (globalThis as { activityLogger?: BackgroundStatus }).activityLogger = status;
  const reportFailure = (what: string) => (error: unknown) => {
    status.lastError = `${what}: ${error instanceof Error ? error.message : String(error)}`;
    console.error('Activity Logger:', status.lastError);
  };

  const database = connectLogDatabase(indexedDB);
  // The appends' events are folded into the daily totals once capture pauses (docs/design.md §4).
  const log = createRecordingLog(database, Date.now, { quietMs: 2_000, atMostMs: 30_000, onError: reportFailure('daily summary') });
  // Read the policy once for this worker (storage.managed answers seconds late after a browser start).
  const settings = settingsReaderOf(browser.storage, reportFailure('settings'));
  const logHealth = logHealthRecorder(browser.storage.session);
  // A log the browser discarded and made anew is said so, not taken for an empty one
  // (docs/design.md §4 "A log the browser discards").
  void checkLogKept({ database, local: browser.storage.local })
    .then((kept) => (kept.discarded ? logHealth.discarded(kept.keptSince) : undefined))
    .catch(reportFailure('log check'));
  // Asks the browser not to evict the log under storage pressure (README "Choices":
  // persistent storage rather than the unlimitedStorage permission).
  void askForPersistentStorage(globalThis.navigator?.storage).catch(reportFailure('storage'));
  const sync = startSyncScheduler({
    browser,
    log,
    settings,
    sync: createSync({
      log,
      fetch: (input, init) => fetch(input, init),
      locks: globalThis.navigator?.locks,
      ...syncStorage(browser.storage.local, settings),
    }),
    onError: reportFailure('sync'),
  });
  status.sync = sync;
  // Recorded events are pending: the badge and the sync schedule follow (docs/design.md §5).
  const append = appendThenSchedule(log, sync, reportFailure('sync scheduling'));

  status.capture = startCapture({
    browser,
    settings,
    record: (events, openView) => append(events, { openView }),
    readOpenView: () => log.openView(),
    newId: uuidv7,
    onError: reportFailure('capture'),
    // Visible in the popup and as the badge's `!` (docs/design.md §4), not only in the console.
    onWriteFailing: (error, waiting) => {
      reportFailure('log write')(error);
      void logHealth.failing(error, waiting).catch(reportFailure('log health'));
    },
    onWriteRecovered: () => void logHealth.recovered().catch(reportFailure('log health')),
    onRecorded: (latencyMs) => {
      status.captureLatencyMs.push(latencyMs);
      if (status.captureLatencyMs.length > 1000) status.captureLatencyMs.shift();
    },
  });

  const imports = historyJobs({
    storage: browser.storage,
    // Present only once the optional permission is granted.
    history: () => browser.history,
    // Imported events are pending like captured ones.
    log: { append },
    settings,
    onError: reportFailure('history import'),
  });

  answerMessages(
    browser.runtime.onMessage,
    routeRequests({
      syncNow: () => sync.syncNow({ force: true }),
      // The popup and the Insights page delete without the worker; the badge follows (docs/design.md §7).
      logChanged: () => sync.refreshBadge().then(() => null),
      // Answered at once: the options page follows the progress in storage.local.
      importHistory: ({ days }) => {
        Promise.resolve()
          .then(() => imports.start(days))
          .catch(reportFailure('history import'));
        return Promise.resolve(null);
      },
      cancelImport: () =>
        imports.cancel().then(
          () => null,
          (error: unknown) => {
            reportFailure('history import')(error);
            return null;
          },
        ),
    }),
  );
  void imports.resume().catch(reportFailure('history import'));
  // A log from before the daily aggregates gets them in the background, chunk by chunk.
  void buildAggregates(log).catch(reportFailure('daily summary'));

  // The one alarm listener (docs/design.md §1 "Alarms").
  runAlarms(browser.alarms.onAlarm, {
    ...status.capture.alarms,
    ...sync.alarms,
    ...hourlyRetention({ log, settings, alarms: browser.alarms, onError: reportFailure('retention') }),
  });

  status.ready = true;
  status.readyAtMs = performance.now();
});
