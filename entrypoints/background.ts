import { extensionBrowser } from '../src/platform/extension-browser';
import { defineBackground } from 'wxt/utils/define-background';
import { startCapture, type CaptureHandle } from '../src/capture/capture-adapter';
import { uuidv7 } from '../src/model/event-id';
import { openEventLog } from '../src/store/event-log';

/** What an end-to-end test reads from the worker (`self.activityLogger`). */
export interface BackgroundStatus {
  /** True once every listener is registered: events from then on are not missed. */
  ready: boolean;
  /** The last failure, in words, for diagnosis. */
  lastError?: string;
  capture?: CaptureHandle;
}

export default defineBackground(() => {
  const status: BackgroundStatus = { ready: false };
  (globalThis as { activityLogger?: BackgroundStatus }).activityLogger = status;

  const log = openEventLog(indexedDB);
  status.capture = startCapture({
    browser: extensionBrowser,
    record: async (events) => (await log).append(events),
    newId: uuidv7,
    onError: (error) => {
      status.lastError = error instanceof Error ? error.message : String(error);
      console.error('Activity Logger: capture failed:', status.lastError);
    },
  });

  status.ready = true;
});
