import { toWireTimestamp, type RecordedEvent } from '../model/activity-event';
import { sanitizeUrl } from '../privacy/sanitize-url';

/** The part of `webNavigation.onCommitted` details this recorder reads. */
export interface CommittedNavigation {
  tabId: number;
  frameId: number;
  url: string;
  /** Chromium: 'prerender' for a page loaded speculatively that nobody has seen yet. */
  documentLifecycle?: string;
}

export interface NavigationRecorderDeps {
  record: (events: RecordedEvent[]) => Promise<unknown>;
  clock: () => number;
  newId: (nowMs: number) => string;
}

/**
 * The first vertical slice of capture: one VIEW per committed top-frame http(s) navigation.
 * The full rules of design.md §3 (focus, idle, durations, SEARCH) replace it.
 */
export function createNavigationRecorder({ record, clock, newId }: NavigationRecorderDeps) {
  return {
    /** Resolves once the event (if any) is durable; resolves to it, or null if none. */
    async committed(navigation: CommittedNavigation): Promise<RecordedEvent | null> {
      if (navigation.frameId !== 0 || navigation.documentLifecycle === 'prerender') return null;
      const url = sanitizeUrl(navigation.url);
      if (url === null) return null;
      const now = clock();
      const event: RecordedEvent = {
        id: newId(now),
        action: 'VIEW',
        timestamp: toWireTimestamp(now),
        url,
      };
      await record([event]);
      return event;
    },
  };
}
