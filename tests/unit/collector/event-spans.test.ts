import { describe, expect, it } from 'vitest';
import { findEventSpans } from '../../../collector/event-spans';

const texts = (body: string) => {
  const spans = findEventSpans(Buffer.from(body, 'utf8'), (JSON.parse(body.replace(/^\uFEFF/, '')) as { events: unknown[] }).events.length);
  return spans && { events: spans.map((event) => event.toString('utf8')) };
};

describe('findEventSpans', () => {
  it("cuts a compact body into each event's own bytes", () => {
    const events = [{ a: 1 }, { b: [1, { c: 2 }] }, {}];
    expect(texts(JSON.stringify({ events }))).toEqual({ events: events.map((e) => JSON.stringify(e)) });
  });

  it('keeps whitespace, escapes, brackets inside strings and non-ASCII as the client wrote them', () => {
    const first = '{ "title" : "a \\"}]\\\\" , "u": "\\u00fc ü 🚀 {[" }';
    const second = '{"x":"\\\\"}';
    const body = `\uFEFF \n{ "events" :\t[ ${first} ,\r\n ${second} ] }\n`;
    const result = texts(body);
    expect(result?.events).toEqual([first, second]);
    expect(result?.events.map((text) => JSON.parse(text))).toEqual((JSON.parse(body.slice(1)) as { events: unknown[] }).events);
  });

  it('tells an escaped quote from a closing one after any run of backslashes', () => {
    // 1 and 3 backslashes escape the quote after them; 2 and 4 are escaped backslashes, and the quote closes.
    const events = ['a\\', 'b\\\\', 'c"', 'd\\"', 'e\\\\"]}{', '\\'].map((title) => ({ title }));
    const body = JSON.stringify({ events });
    expect(body).toContain('\\\\\\"');
    expect(texts(body)).toEqual({ events: events.map((e) => JSON.stringify(e)) });
  });

  it('cuts an empty array', () => {
    expect(texts('{"events":[]}')).toEqual({ events: [] });
  });

  it.each([
    ['another key first', '{"x":1,"events":[{}]}'],
    ['another key after', '{"events":[{}],"x":1}'],
    ['the key written with an escape', '{"ev\\u0065nts":[{}]}'],
    ['the key twice (JSON.parse keeps the last)', '{"events":[{"a":1}],"events":[{}]}'],
  ])('declines a body with %s, so the caller serialises instead', (_, body) => {
    expect(texts(body)).toBeUndefined();
  });

  it('declines when the count differs from the parsed events', () => {
    expect(findEventSpans(Buffer.from('{"events":[{},{}]}'), 3)).toBeUndefined();
    expect(findEventSpans(Buffer.from('{"events":[1,{}]}'), 2)).toBeUndefined();
  });
});
