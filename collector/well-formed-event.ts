import {
  ACTIONS,
  isWireTimestamp,
  MAX_TITLE_LENGTH,
  MAX_URL_LENGTH,
  type ActivityEvent,
  type ActivityEventParams,
} from '../src/model/activity-event';
import { hostOf } from './event-store';

/**
 * The collector's fast path of validation (docs/design.md §9): answers, without building
 * anything, whether an event passes `ActivityEventSchema` and the collector's "url and
 * referrer are http(s)" rule, and gives the host its url is filed under. It only ever says
 * yes to what the schema accepts; for anything else (a bad event, or one it is unsure of) it
 * says undefined, and the schema then checks the event and names what is wrong. So the errors
 * are the schema's, and the well-formed batches of every client skip the schema's per-field
 * machinery and copies (with the same URL parsed once for validity, protocol and host).
 * Agreement with the schema is tested on valid events and on every mutation of them
 * (`tests/unit/collector/well-formed-event.test.ts`), which also fails when the schema gains a
 * field this check does not know.
 */
export function wellFormedEventHost(candidate: unknown): string | undefined {
  if (!isPlainObject(candidate)) return undefined;
  // Required fields first, then the optional ones; the key count then rules out any other key.
  let known = 3;
  if (!ACTION_NAMES.has(candidate.action)) return undefined;
  const { timestamp } = candidate;
  if (typeof timestamp !== 'string' || !isWireTimestamp(timestamp)) return undefined;
  const host = webHost(candidate.url);
  if (host === undefined) return undefined;
  if ('id' in candidate) {
    const { id } = candidate;
    if (typeof id !== 'string' || id.length < 1 || id.length > 128) return undefined;
    known += 1;
  }
  if ('params' in candidate) {
    if (!wellFormedParams(candidate.params)) return undefined;
    known += 1;
  }
  return countKeys(candidate) === known ? host : undefined;
}

/** Own and inherited enumerable keys; a parsed JSON object has only its own. */
function countKeys(object: object): number {
  let keys = 0;
  for (const _ in object) keys += 1;
  return keys;
}

type Check = (value: unknown) => boolean;

const ACTION_NAMES: ReadonlySet<unknown> = new Set(ACTIONS);

const isString: Check = (value) => typeof value === 'string';

/** The hostname of an absolute http(s) URL within the length limit, lower case; else undefined. */
function webHost(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? hostOf(url) : undefined;
}

const PARAM_CHECKS = new Map<string, Check>(
  Object.entries({
    bodyContent: isString,
    datasourceInstance: isString,
    datasource: isString,
    instanceOnlyName: isString,
    duration: (value) => Number.isSafeInteger(value) && (value as number) >= 0,
    query: isString,
    referrer: (value) => webHost(value) !== undefined,
    title: (value) => typeof value === 'string' && value.length <= MAX_TITLE_LENGTH,
    truncated: (value) => typeof value === 'boolean',
  } satisfies Record<keyof ActivityEventParams, Check>),
);

function wellFormedParams(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  for (const key in value) {
    const check = PARAM_CHECKS.get(key);
    if (check === undefined || !check(value[key])) return false;
  }
  return true;
}

/** The event's fields, each checked above: the list the test holds equal to the schema's. */
const EVENT_KEYS = ['id', 'action', 'params', 'timestamp', 'url'] as const satisfies readonly (keyof ActivityEvent)[];

/** The keys a fast check knows, for the test that keeps them equal to the schema's. */
export const WELL_FORMED_KEYS = { event: [...EVENT_KEYS], params: [...PARAM_CHECKS.keys()] };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
