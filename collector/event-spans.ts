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
 * The offset of the quote that ends the string whose text starts at `from`, or -1. A quote is
 * escaped when an odd number of backslashes stands right before it (`\\"` ends the string).
 */
function closingQuote(body: Buffer, from: number): number {
  for (let quote = body.indexOf(QUOTE, from); quote >= 0; quote = body.indexOf(QUOTE, quote + 1)) {
    let backslashes = 0;
    while (body[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return -1;
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
  let eventStart = -1;
  let arrayEnd = -1;
  for (; at < body.length; at++) {
    const byte = body[at];
    if (byte === QUOTE) {
      // Most of an event's bytes are inside strings: jump to the quote that closes this one
      // (memchr in Buffer#indexOf) instead of looking at every byte in JavaScript.
      at = closingQuote(body, at + 1);
      if (at < 0) return undefined;
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
