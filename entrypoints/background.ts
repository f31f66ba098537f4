import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { createNavigationRecorder } from '../src/capture/navigation-recorder';
import { uuidv7 } from '../src/model/event-id';
import { openEventLog } from '../src/store/event-log';

/** What an end-to-end test reads from the worker (`self.activityLogger`). */
export interface BackgroundStatus {
  /** True once every listener is registered: events from then on are not missed. */
  ready: boolean;
  /** The last recording failure, in words, for diagnosis. */
  lastError?: string;
}

export default defineBackground(() => {
  const status: BackgroundStatus = { ready: false };
  (globalThis as { activityLogger?: BackgroundStatus }).activityLogger = status;

  const log = openEventLog(indexedDB);
  const recorder = createNavigationRecorder({
    record: async (events) => (await log).append(events),
    clock: Date.now,
    newId: uuidv7,
  });
  const reportFailure = (error: unknown) => {
    status.lastError = error instanceof Error ? error.message : String(error);
    console.error('Activity Logger: recording failed:', status.lastError);
  };

  // Registered synchronously at top level, so a worker woken by a navigation sees it (§3).
  browser.webNavigation.onCommitted.addListener((details) => {
    recorder.committed(details).catch(reportFailure);
  });

  status.ready = true;
});
