import { z } from 'zod';
import { ActivityEventSchema, describeIssues, type ActivityEvent } from '../src/model/activity-event';
import { encodeBatch, hostOf, type EncodedBatch } from './event-store';
import { findEventSpans } from './event-spans';
import { wellFormedEventHost } from './well-formed-event';

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
  | { ok: true; batch: EncodedBatch }
  | { ok: false; status: 400 | 413; message: string; fields: string[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes of a request body → the events to store, or why not. Invalid UTF-8 is refused rather
 * than stored as U+FFFD; the event count is checked before a single event is validated; each
 * event is checked with the extension's own schema plus "url and referrer are http(s)" (a
 * `javascript:` or `data:` URL is not a page anyone visited, and would be a trap in any viewer)
 * — by the fast path `wellFormedEventHost` when it vouches for every event, else by the schema.
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
  if (!isPlainEnvelope(json)) {
    const envelope = EnvelopeSchema.safeParse(json);
    if (!envelope.success) return refused(envelope.error.issues.map(labelBody), false);
  }
  const candidates = (json as { events: unknown[] }).events;

  // The common case, a batch of well-formed events, is decided by the fast path; the first
  // event it does not vouch for sends the whole batch through the schema, which names the problems.
  const hosts: string[] = new Array(candidates.length);
  let fast = true;
  for (let i = 0; i < candidates.length; i++) {
    const host = wellFormedEventHost(candidates[i]);
    if (host === undefined) {
      fast = false;
      break;
    }
    hosts[i] = host;
  }
  if (!fast) {
    const problem = checkEventsBySchema(candidates);
    if (problem) return problem;
    for (let i = 0; i < candidates.length; i++) hosts[i] = hostOf((candidates[i] as ActivityEvent).url);
  }
  // Valid, so the input has exactly the schema's fields; storing the input rather than zod's
  // output keeps each event as the client wrote it, keys in the client's order — byte for byte
  // when the body is cut into its events' own texts.
  const valid = candidates as ActivityEvent[];
  const spans = findEventSpans(body, valid.length);
  return { ok: true, batch: spans ? { events: valid, hosts, texts: spans } : encodeBatch(valid, hosts) };
}

/** `{ events: [...] }` and nothing else: what the envelope schema accepts, without running it. */
function isPlainEnvelope(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  let keys = 0;
  for (const key in json) {
    if (key !== 'events') return false;
    keys += 1;
  }
  return keys === 1 && Array.isArray((json as { events: unknown }).events);
}

/** Each event through the schema, stopping after MAX_REPORTED_ISSUES problems; undefined when all pass. */
function checkEventsBySchema(candidates: readonly unknown[]): BatchCheck | undefined {
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
  return issues.length > 0 ? refused(issues, issues.length >= MAX_REPORTED_ISSUES) : undefined;
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
