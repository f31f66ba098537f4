import { z } from 'zod';

/**
 * The wire format of Glean's `POST /rest/api/v1/activity` (docs/design.md §2), shared by the
 * extension (before it stores and before it sends) and by the collector (on input).
 */

export const ACTIONS = [
  'VIEW',
  'EDIT',
  'SEARCH',
  'COMMENT',
  'CRAWL',
  'HISTORICAL_SEARCH',
  'HISTORICAL_VIEW',
] as const;
export const ActionSchema = z.enum(ACTIONS);
export type Action = z.infer<typeof ActionSchema>;

/** Limits that keep one hostile page from bloating the log or a request. */
export const MAX_URL_LENGTH = 8192;
export const MAX_TITLE_LENGTH = 2048;

/** ISO 8601 in UTC with exactly milliseconds, as `Date.prototype.toISOString()` writes it. */
export const TimestampSchema = z.iso.datetime({ precision: 3 });

const AbsoluteUrlSchema = z
  .string()
  .max(MAX_URL_LENGTH)
  .refine((value) => URL.canParse(value), { message: 'must be an absolute URL' });

export const ActivityEventParamsSchema = z.strictObject({
  bodyContent: z.string().optional(),
  datasourceInstance: z.string().optional(),
  datasource: z.string().optional(),
  instanceOnlyName: z.string().optional(),
  /** Whole seconds; for a VIEW, the time the page was in the foreground. */
  duration: z.int().nonnegative().optional(),
  query: z.string().optional(),
  referrer: AbsoluteUrlSchema.optional(),
  title: z.string().max(MAX_TITLE_LENGTH).optional(),
  /** More params may follow with the same action + timestamp + url (the VIEW protocol). */
  truncated: z.boolean().optional(),
});
export type ActivityEventParams = z.infer<typeof ActivityEventParamsSchema>;

/** An event as any client may send it: Glean does not require an id. */
export const ActivityEventSchema = z.strictObject({
  id: z.string().min(1).max(128).optional(),
  action: ActionSchema,
  params: ActivityEventParamsSchema.optional(),
  timestamp: TimestampSchema,
  url: AbsoluteUrlSchema,
});
export type ActivityEvent = z.infer<typeof ActivityEventSchema>;

/** An event this extension records: it always carries its UUID, fixed at record time. */
export const RecordedEventSchema = ActivityEventSchema.extend({ id: z.uuid() });
export type RecordedEvent = z.infer<typeof RecordedEventSchema>;

/** The request body. */
export const ActivityBatchSchema = z.strictObject({ events: z.array(ActivityEventSchema) });
export type ActivityBatch = z.infer<typeof ActivityBatchSchema>;

export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
  constructor(
    message: string,
    /** Dotted paths of the offending fields, e.g. `params.duration`. */
    readonly fields: string[],
  ) {
    super(message);
  }
}

/** `timestamp: Invalid ISO datetime; params.duration: expected int` */
export function describeIssues(error: z.ZodError): { message: string; fields: string[] } {
  const fields = error.issues.map((issue) => issue.path.join('.') || '(event)');
  const message = error.issues
    .map((issue, i) => `${fields[i]}: ${issue.message}`)
    .join('; ');
  return { message, fields };
}

/** Checks an event before it is stored and before it is sent; throws naming the bad fields. */
export function validateRecordedEvent(candidate: unknown): RecordedEvent {
  const result = RecordedEventSchema.safeParse(candidate);
  if (result.success) return result.data;
  const { message, fields } = describeIssues(result.error);
  throw new InvalidEventError(`invalid ActivityEvent: ${message}`, fields);
}

/** The wire form of a moment: `2026-11-27T17:24:19.123Z`. */
export function toWireTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
