import { z } from 'zod';

/**
 * Messages from the popup and the options page to the background: one schema per request,
 * checked where it arrives (a message is a boundary like any other).
 */
export const RequestSchema = z.discriminatedUnion('type', [
  /** "Sync now": send everything pending at once, also during a backoff. */
  z.object({ type: z.literal('syncNow') }),
]);
export type Request = z.infer<typeof RequestSchema>;
