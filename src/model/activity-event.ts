import * as z from 'zod/mini';
import { flag, integer, matches, maxUnits, nonEmpty } from './schema-checks';

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
export const ActionSchema = z.literal(ACTIONS);
export type Action = z.infer<typeof ActionSchema>;

/** Limits that keep one hostile page from bloating the log or a request. */
export const MAX_URL_LENGTH = 8192;
export const MAX_TITLE_LENGTH = 2048;

/**
 * ISO 8601 in UTC with exactly milliseconds, as `Date.prototype.toISOString()` writes it: a
 * moment that writes back to the same text (so `2026-02-30…` is no timestamp).
 */
export function isWireTimestamp(value: string): boolean {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value)) return false;
  // Each field in its range is what writes back to the same text; counted from the digits
  // rather than by a round trip through Date, which costs more than the rest of an event's check.
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    Number(value.slice(11, 13)) <= 23 &&
    Number(value.slice(14, 16)) <= 59 &&
    Number(value.slice(17, 19)) <= 59
  );
}

/** Days of a month (1–12) in the proleptic Gregorian calendar, as Date counts them. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
export const TimestampSchema = z.string().check(
  z.refine(isWireTimestamp, { message: 'must be an ISO 8601 UTC timestamp with milliseconds' }),
);

/** An RFC 9562 UUID, versions 1–8 (v7 recorded, v5 imported), in its 8-4-4-4-12 hex form. */
const UuidSchema = z.string().check(matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i, 'must be a UUID'));

/**
 * Whether the URL parser takes `value` as an absolute URL. Not `URL.canParse`: in Node 20 its
 * optimised form answers false for URLs with non-ASCII characters (`https://bücher.example/`)
 * once it has been called often enough, so a busy collector would start refusing them.
 */
export function isAbsoluteUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

const AbsoluteUrlSchema = z
  .string()
  .check(maxUnits(MAX_URL_LENGTH), z.refine(isAbsoluteUrl, { message: 'must be an absolute URL' }));

export const ActivityEventParamsSchema = z.strictObject({
  bodyContent: z.optional(z.string()),
  datasourceInstance: z.optional(z.string()),
  datasource: z.optional(z.string()),
  instanceOnlyName: z.optional(z.string()),
  /** Whole seconds; for a VIEW, the time the page was in the foreground. */
  duration: z.optional(integer(0)),
  query: z.optional(z.string()),
  referrer: z.optional(AbsoluteUrlSchema),
  title: z.optional(z.string().check(maxUnits(MAX_TITLE_LENGTH))),
  /** More params may follow with the same action + timestamp + url (the VIEW protocol). */
  truncated: z.optional(flag()),
});
export type ActivityEventParams = z.infer<typeof ActivityEventParamsSchema>;

/** An event as any client may send it: Glean does not require an id. */
export const ActivityEventSchema = z.strictObject({
  id: z.optional(z.string().check(nonEmpty(), maxUnits(128))),
  action: ActionSchema,
  params: z.optional(ActivityEventParamsSchema),
  timestamp: TimestampSchema,
  url: AbsoluteUrlSchema,
});
export type ActivityEvent = z.infer<typeof ActivityEventSchema>;

/** An event this extension records: it always carries its UUID, fixed at record time. */
export const RecordedEventSchema = z.strictObject({ ...ActivityEventSchema.shape, id: UuidSchema });
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
export function describeIssues(error: { issues: readonly z.core.$ZodIssue[] }): { message: string; fields: string[] } {
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
