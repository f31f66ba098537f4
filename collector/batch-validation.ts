import { z } from 'zod';
import { ActivityEventSchema, describeIssues, type ActivityEvent } from '../src/model/activity-event';

/**
 * Most events one request may carry; more is a 413 before any event is looked at. The
 * extension sends at most 1,000 (its `batchMaxEvents` ceiling), Glean's SDK what it is given.
 */
export const MAX_EVENTS_PER_REQUEST = 1000;

/** Validation stops after this many problems: a 400 stays readable and a hostile batch cheap. */
export const MAX_REPORTED_ISSUES = 10;

/** Only the envelope: the events are validated one by one below, so bad ones stop the work early. */
const EnvelopeSchema = z.strictObject({ events: z.array(z.unknown()) });

const WEB_PROTOCOLS = new Set(['http:', 'https:']);

export type BatchCheck =
  | { ok: true; events: ActivityEvent[] }
  | { ok: false; status: 400 | 413; message: string; fields: string[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes of a request body → the events to store, or why not. Invalid UTF-8 is refused rather
 * than stored as U+FFFD; the event count is checked before a single event is validated; each
 * event is checked with the extension's own schema plus "url and referrer are http(s)" (a
 * `javascript:` or `data:` URL is not a page anyone visited, and would be a trap in any viewer).
 */
export function checkBatch(body: Buffer): BatchCheck {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, status: 400, message: 'the body is not valid UTF-8', fields: ['body'] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, status: 400, message: `invalid JSON: ${(error as Error).message}`, fields: ['body'] };
  }
  // Counted before anything walks the array (zod included): 349,521 `{}` cost nothing this way.
  const events = (json as { events?: unknown } | null)?.events;
  if (Array.isArray(events) && events.length > MAX_EVENTS_PER_REQUEST) {
    return {
      ok: false,
      status: 413,
      message: `${events.length} events in one request; at most ${MAX_EVENTS_PER_REQUEST} are accepted: send fewer events per request`,
      fields: ['events'],
    };
  }
  const envelope = EnvelopeSchema.safeParse(json);
  if (!envelope.success) return refused(envelope.error.issues.map(labelBody), false);
  const candidates = envelope.data.events;

  const issues: z.core.$ZodIssue[] = [];
  for (let i = 0; i < candidates.length && issues.length < MAX_REPORTED_ISSUES; i++) {
    const parsed = ActivityEventSchema.safeParse(candidates[i]);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ ...issue, path: ['events', i, ...issue.path] });
      continue;
    }
    const event = parsed.data;
    for (const [field, value] of [['url', event.url], ['referrer', event.params?.referrer]] as const) {
      if (value !== undefined && !WEB_PROTOCOLS.has(new URL(value).protocol)) {
        issues.push({
          code: 'custom',
          input: value,
          path: ['events', i, ...(field === 'url' ? ['url'] : ['params', 'referrer'])],
          message: 'must be an http:// or https:// URL',
        });
      }
    }
  }
  if (issues.length > 0) return refused(issues, issues.length >= MAX_REPORTED_ISSUES);
  // Valid, so the input has exactly the schema's fields; storing the input rather than zod's
  // output keeps each event as the client wrote it, keys in the client's order.
  return { ok: true, events: candidates as ActivityEvent[] };
}

function labelBody(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  return issue.path.length === 0 ? { ...issue, path: ['body'] } : issue;
}

function refused(issues: z.core.$ZodIssue[], stoppedEarly: boolean): BatchCheck {
  const shown = issues.slice(0, MAX_REPORTED_ISSUES);
  const { message, fields } = describeIssues(new z.ZodError(shown));
  const suffix = stoppedEarly ? `; validation stopped after ${MAX_REPORTED_ISSUES} problems` : '';
  return { ok: false, status: 400, message: `invalid batch: ${message}${suffix}`, fields };
}
