import * as z from 'zod/mini';
import type { SyncReport } from '../sync/sync-engine';

/**
 * Messages from the popup and the options page to the background (docs/design.md §7): one
 * schema per request type, checked where it arrives (a message is a boundary like any other),
 * and the reply each one gets. Keyed by type, so the router looks a message's schema up
 * rather than trying each.
 */
export const REQUEST_SCHEMAS = {
  /** "Sync now": send everything pending at once, also during a backoff. */
  syncNow: z.object({ type: z.literal('syncNow') }),
  /**
   * The popup deleted records straight from IndexedDB: the background recounts what the
   * toolbar badge shows (the popup has no badge of its own to set, and Firefox's popup may
   * close before it could). Answered with nothing.
   */
  logChanged: z.object({ type: z.literal('logChanged') }),
  /** "Import history" (docs/design.md §2): the last 7, 30 or 90 days; progress in storage.local. */
  importHistory: z.object({ type: z.literal('importHistory'), days: z.literal([7, 30, 90]) }),
  cancelImport: z.object({ type: z.literal('cancelImport') }),
};
type RequestSchemas = typeof REQUEST_SCHEMAS;
export type Request = { [T in keyof RequestSchemas]: z.infer<RequestSchemas[T]> }[keyof RequestSchemas];
export type RequestType = Request['type'];
export type RequestOf<T extends RequestType> = Extract<Request, { type: T }>;

/** What each request is answered with. */
export interface Replies {
  syncNow: SyncReport;
  logChanged: null;
  importHistory: null;
  cancelImport: null;
}

/** The background's handler table: one handler per request, its reply typed by `Replies`. */
export type RequestHandlers = { [T in RequestType]: (request: RequestOf<T>) => Promise<Replies[T]> };

/** How a page asks the background: the reply typed by the request. */
export type SendRequest = <R extends Request>(request: R) => Promise<Replies[R['type']]>;
