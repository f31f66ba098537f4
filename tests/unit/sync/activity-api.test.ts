import { describe, expect, it } from 'vitest';
import { isWebPage, postToActivityApi, REASON_MAX_CHARS } from '../../../src/sync/activity-api';

// The one client of the activity API (docs/design.md §5 "Answers"): what sync and "Test
// connection" both read from an answer.

const answering =
  (body: string, init: ResponseInit = {}): typeof fetch =>
  async () =>
    new Response(body, init);
const post = (fetcher: typeof fetch, timeoutMs?: number) =>
  postToActivityApi({ fetch: fetcher, endpointUrl: 'https://glean.example/rest/api/v1/activity', token: 't', body: '{"events":[]}', timeoutMs });

describe('postToActivityApi', () => {
  it('sends the body as JSON with the token, no redirects and no cookies', async () => {
    let seen: RequestInit | undefined;
    await post(async (_input, init) => {
      seen = init;
      return new Response(null, { status: 200 });
    });
    expect(seen).toMatchObject({
      method: 'POST',
      body: '{"events":[]}',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t' },
      redirect: 'error',
      credentials: 'omit',
    });
  });

  it.each([
    ['a JSON error', '{"error":"title too long"}', 'title too long'],
    ['a JSON message', '{"message":"down"}', 'down'],
    ['JSON without either', '{"ok":false}', '{"ok":false}'],
    ['plain text, trimmed', '  maintenance \n', 'maintenance'],
    ['nothing', '', ''],
  ])('reads the reason from %s', async (_, body, reason) => {
    expect(await post(answering(body, { status: 503 }))).toMatchObject({ kind: 'answered', status: 503, reason });
  });

  it(`keeps at most ${REASON_MAX_CHARS} characters of the reason`, async () => {
    const answer = await post(answering('x'.repeat(2000), { status: 400 }));
    expect(answer).toMatchObject({ kind: 'answered', reason: 'x'.repeat(REASON_MAX_CHARS) });
  });

  it('tells a 2xx web page, and only a 2xx', async () => {
    const page = '<html><body>Sign in</body></html>';
    expect(await post(answering(page, { status: 200, headers: { 'Content-Type': 'text/html' } }))).toMatchObject({ webPage: true });
    expect(await post(answering(page, { status: 502, headers: { 'Content-Type': 'text/html' } }))).toMatchObject({ webPage: false });
    expect(await post(answering('', { status: 200 }))).toMatchObject({ webPage: false });
  });

  it('passes Retry-After on as sent', async () => {
    expect(await post(answering('', { status: 429, headers: { 'Retry-After': '120' } }))).toMatchObject({ retryAfter: '120' });
  });

  it('tells no answer in time from no answer at all', async () => {
    const never: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)));
    expect(await post(never, 50)).toEqual({ kind: 'timeout', seconds: 0.05 });
    expect(
      await post(async () => {
        throw new TypeError('Failed to fetch');
      }),
    ).toEqual({ kind: 'network', reason: 'Failed to fetch' });
  });
});

describe('isWebPage', () => {
  it('knows a web page by its type or by how its body starts', () => {
    expect(isWebPage('text/html; charset=utf-8', '')).toBe(true);
    expect(isWebPage(null, '\n<!DOCTYPE html><html>')).toBe(true);
    expect(isWebPage('application/json', '{"events":[]}')).toBe(false);
  });
});
