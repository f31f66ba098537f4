import * as z from 'zod/mini';
import { flag, integer } from './schema-checks';
import { RecordedEventSchema } from './activity-event';

/**
 * What the capture state machine remembers between two browser signals. It is kept in
 * `storage.session`, so a stopped service worker resumes mid-view (docs/design.md §3); it is
 * parsed with these schemas when read back.
 */

/** One document shown in a tab: a navigation, as the machine understands it. */
export const PageSchema = z.object({
  /** Changes with every real navigation: a view belongs to exactly one page. */
  navId: integer(),
  /** The sanitized URL to record, or null when this page must not be recorded. */
  url: z.nullable(z.string()),
  /** As the browser reported it; kept in session memory only, to recognise URL-like titles. */
  rawUrl: z.string(),
  title: z.optional(z.string()),
  referrer: z.optional(z.string()),
  /** The search terms when this is a results page (recorded as SEARCH, not VIEW). */
  query: z.nullable(z.string()),
  searchRecorded: flag(),
  /** Learnt from a tab snapshot rather than a navigation signal (the commit may follow). */
  fromSnapshot: flag(),
  /**
   * A page reached by a same-document URL change (History API) is settling until then: a
   * further same-document change before this moment is the same page at its new address
   * (docs/design.md §3, the settle rule), and its SEARCH waits until it has settled.
   */
  settleUntil: z.optional(z.number()),
});
export type Page = z.infer<typeof PageSchema>;

export const TabStateSchema = z.object({
  windowId: integer(),
  incognito: flag(),
  openerTabId: z.optional(integer()),
  page: z.nullable(PageSchema),
  /**
   * A title reported for a URL the tab has not committed yet (Firefox can replay the next
   * page's title before its commit): it becomes that page's title when the commit comes.
   */
  pendingTitle: z.optional(z.object({ url: z.string(), title: z.string() })),
  /** The tab plays sound the user hears (`audible` and not muted). */
  audible: z.optional(flag()),
});
export type TabState = z.infer<typeof TabStateSchema>;

/** The view in progress: the page in the foreground now. There is at most one. */
export const OpenViewSchema = z.object({
  tabId: integer(),
  navId: integer(),
  url: z.string(),
  /** The wire timestamp of the view's start, repeated on its completing event. */
  timestamp: z.string(),
  startedAt: z.number(),
  /** The last moment the extension knew the view was still open (a heartbeat). */
  lastAliveAt: z.number(),
  title: z.optional(z.string()),
  referrer: z.optional(z.string()),
  /**
   * The view of a settling page (see `Page.settleUntil`): its start is not recorded yet,
   * because its address may still change. Kept here, durable with the log's open view, so a
   * worker stopped meanwhile loses nothing; recorded (with the address it settled on) once
   * this moment passes, or at once when the view ends before.
   */
  settleUntil: z.optional(z.number()),
});
export type OpenView = z.infer<typeof OpenViewSchema>;

export const CaptureStateSchema = z.object({
  focusedWindowId: z.nullable(integer()),
  /** Window id → its active tab id. */
  activeTabs: z.catchall(z.object({}), integer()),
  /** Tab id → what the machine knows of it. */
  tabs: z.catchall(z.object({}), TabStateSchema),
  idle: flag(),
  /** The screen is locked (also counted in `idle`): not even a tab playing sound is seen. */
  locked: z._default(flag(), false),
  paused: flag(),
  nextNavId: integer(),
  view: z.nullable(OpenViewSchema),
});
export type CaptureState = z.infer<typeof CaptureStateSchema>;

/**
 * Capture's events not yet durable in the log because a write failed: kept in memory and in
 * storage.session until a retry writes them, in order, before anything newer
 * (`src/capture/log-writer.ts`). `openView` is the view left open after the newest of them.
 */
export const BacklogSchema = z.object({
  events: z.array(RecordedEventSchema),
  openView: z.nullable(OpenViewSchema),
});
export type Backlog = z.infer<typeof BacklogSchema>;

export function initialCaptureState(): CaptureState {
  return {
    focusedWindowId: null,
    activeTabs: {},
    tabs: {},
    idle: false,
    locked: false,
    paused: false,
    nextNavId: 1,
    view: null,
  };
}
