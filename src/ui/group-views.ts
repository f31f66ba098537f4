import type { ActivityEvent } from '../model/activity-event';
import type { EventState, StoredLogEntry } from '../store/log-entry';

/** What the popup shows as one row: one event, or a view's start and completion together. */
export interface LogItem {
  /** The newest record's position in the log (the row's key, and where paging goes on). */
  seq: number;
  host: string;
  /** The view's latest knowledge: its completion's params win over its start's. */
  event: ActivityEvent;
  /** The sync state of every record behind the row, newest first. */
  states: EventState[];
  /** The event id of every record behind the row, newest first ("Delete" removes them all). */
  ids: string[];
  /** The server's message when a record behind the row was rejected. */
  lastError?: string;
}

/**
 * Folds the VIEW protocol's two records (docs/design.md §2: the same action, url and timestamp)
 * into one row (§7: "A view appears once"). Entries come newest first, and so do the items.
 */
export function groupViews(entries: readonly StoredLogEntry[]): LogItem[] {
  const items: LogItem[] = [];
  const views = new Map<string, LogItem>();
  for (const entry of entries) {
    const { event } = entry;
    const key = event.action === 'VIEW' ? `${event.timestamp} ${event.url}` : null;
    const item = key === null ? undefined : views.get(key);
    if (item) {
      // The older record is the view's start: the completion's params stay on top, and the
      // start's `truncated` no longer holds once the completion is known.
      const { truncated: _, ...startParams } = event.params ?? {};
      item.event = { ...item.event, params: { ...startParams, ...item.event.params } };
      item.states.push(entry.state);
      item.ids.push(event.id);
      item.lastError ??= entry.lastError;
      continue;
    }
    const created: LogItem = {
      seq: entry.seq,
      host: entry.host,
      event,
      states: [entry.state],
      ids: [event.id],
      lastError: entry.lastError,
    };
    items.push(created);
    if (key !== null) views.set(key, created);
  }
  return items;
}
