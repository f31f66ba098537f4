import { z } from 'zod';

/**
 * Messages from the popup and the options page to the background: one schema per request,
 * checked where it arrives (a message is a boundary like any other).
 */
export const RequestSchema = z.discriminatedUnion('type', [
  /** "Sync now": send everything pending at once, also during a backoff. */
  z.object({ type: z.literal('syncNow') }),
  /**
   * The popup deleted records straight from IndexedDB: the background recounts what the
   * toolbar badge shows (the popup has no badge of its own to set, and Firefox's popup may
   * close before it could). Answered with nothing.
   */
  z.object({ type: z.literal('logChanged') }),
  /** "Import history" (docs/design.md §2): the last 7, 30 or 90 days; progress in storage.local. */
  z.object({ type: z.literal('importHistory'), days: z.union([z.literal(7), z.literal(30), z.literal(90)]) }),
  z.object({ type: z.literal('cancelImport') }),
]);
export type Request = z.infer<typeof RequestSchema>;
