const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const EVENTS_KEY = Buffer.from('"events"');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The first offset from `at` that is not JSON whitespace. */
function skipSpace(body: Buffer, at: number): number {
  let next = at;
  for (let byte = body[next]; byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09; byte = body[next]) next++;
  return next;
}

/**
 * Cuts a batch body into its events' own JSON texts, in order (docs/design.md §9): the stores keep each
 * event exactly as the client wrote it, byte for byte, without serialising the parsed event
 * again. Only for a body `JSON.parse` accepted (so strings and brackets are balanced); the
 * views share the body's memory. Undefined unless the body is plainly `{"events":[…]}` with
 * `count` elements (another key, an escaped or repeated key): the caller serialises instead.
 */
export function findEventSpans(body: Buffer, count: number): Buffer[] | undefined {
  let at = body.subarray(0, 3).equals(BOM) ? 3 : 0;
  at = skipSpace(body, at);
  if (body[at] !== OPEN_BRACE) return undefined;
  at++;
  at = skipSpace(body, at);
  if (!body.subarray(at, at + EVENTS_KEY.length).equals(EVENTS_KEY)) return undefined;
  at += EVENTS_KEY.length;
  at = skipSpace(body, at);
  if (body[at] !== COLON) return undefined;
  at++;
  at = skipSpace(body, at);
  if (body[at] !== OPEN_BRACKET) return undefined;

  const events: Buffer[] = [];
  let depth = 0;
  let inString = false;
  let eventStart = -1;
  let arrayEnd = -1;
  for (; at < body.length; at++) {
    const byte = body[at];
    if (inString) {
      if (byte === BACKSLASH) at++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (depth === 1) eventStart = at;
      depth++;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
      if (depth === 1) {
        events.push(body.subarray(eventStart, at + 1));
      } else if (depth === 0) {
        arrayEnd = at + 1;
        break;
      }
    }
  }
  if (arrayEnd < 0 || events.length !== count) return undefined;
  at = arrayEnd;
  at = skipSpace(body, at);
  if (body[at] !== CLOSE_BRACE) return undefined;
  at++;
  at = skipSpace(body, at);
  if (at !== body.length) return undefined;
  return events;
}
