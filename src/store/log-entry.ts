import * as z from 'zod/mini';
import { integer } from '../model/schema-checks';
import { RecordedEventSchema } from '../model/activity-event';

/** Where an event is on its way to the server (docs/design.md §4, §5). */
export const EVENT_STATES = ['pending', 'sent', 'rejected'] as const;
export const EventStateSchema = z.literal(EVENT_STATES);
export type EventState = z.infer<typeof EventStateSchema>;

/** One record of the durable log: the wire event plus what only this browser needs to know. */
export const LogEntrySchema = z.object({
  /** Insertion order, assigned by IndexedDB; the log's recent-first order. */
  seq: z.optional(integer(1)),
  event: RecordedEventSchema,
  state: EventStateSchema,
  /** Host of `event.url`, kept for "delete this site" without a scan. */
  host: z.string(),
  recordedAt: z.number(),
  attempts: integer(0),
  lastError: z.optional(z.string()),
});
export type LogEntry = z.infer<typeof LogEntrySchema>;
export type StoredLogEntry = LogEntry & { seq: number };
