import type { IncomingHttpHeaders } from 'node:http';
import { Glean } from '@gleanwork/api-client';
import { describe, expect, it } from 'vitest';
import { MAX_TITLE_LENGTH, type ActivityEvent } from '../../../src/model/activity-event';
import { MAX_EVENTS_PER_REQUEST } from '../../../collector/batch-validation';
import { authHeaders, makeEvent, newDatabase, postActivity, rawRequest, storedEventTexts, TOKEN, useCollector, describeEngines } from './helpers';

describeEngines('POST /rest/api/v1/activity', () => {
  it('answers 200 and stores a valid batch', async () => {
    const collector = await useCollector();
    const events = [makeEvent(), makeEvent({ action: 'SEARCH', params: { query: 'q' } }), makeEvent()];

    const answer = await postActivity(collector, { events });

    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ received: 3, stored: 3, duplicates: 0 });
    expect((await collector.store.listEvents()).map((stored) => stored.event)).toEqual(events);
  });

  it('answers 200 to an empty batch, as "Test connection" sends it', async () => {
    const collector = await useCollector();
    const answer = await postActivity(collector, { events: [] });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ received: 0, stored: 0, duplicates: 0 });
  });

  it('keeps each event exactly as sent, key order and unicode included', async () => {
    const collector = await useCollector();
    const sent = {
      url: 'https://例え.jp/パス?q=ü',
      timestamp: '2026-11-27T17:24:19.123Z',
      params: { truncated: true, title: 'Ünïcødé — “quotes” 🚀' },
      action: 'VIEW',
      id: 'custom-id-1',
    };
    expect((await postActivity(collector, { events: [sent] })).status).toBe(200);
    expect(JSON.stringify((await collector.store.findEvent('custom-id-1'))?.event)).toBe(JSON.stringify(sent));
  });

  it("stores each event as the client's own bytes, whitespace and escapes included", async () => {
    const database = await newDatabase();
    const collector = await useCollector({ database });
    const first = `{ "id": "raw-1", "action": "VIEW", "timestamp": "2026-11-27T17:24:19.123Z",
      "url": "https://docs.example.com/a", "params": { "title": "\\u00fc \\"quoted\\" }]{[ ü 🚀" } }`;
    const second = '{"id":"raw-2","action":"SEARCH","timestamp":"2026-11-27T17:24:20.123Z","url":"https:\\/\\/docs.example.com\\/b"}';
    const answer = await postActivity(collector, `{ "events": [\n  ${first},\n  ${second}\n] }`);
    expect(answer.status).toBe(200);
    expect(await storedEventTexts(database)).toEqual([first, second]);
    expect((await collector.store.findEvent('raw-1'))?.event.params?.title).toBe('ü "quoted" }]{[ ü 🚀');
    expect((await collector.store.findEvent('raw-2'))?.event.url).toBe('https://docs.example.com/b');
  });

  it('answers 400 to bad JSON and stores nothing', async () => {
    const collector = await useCollector();
    const answer = await postActivity(collector, '{"events": [');
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(/^invalid JSON: /);
    expect((await collector.store.countEvents())).toBe(0);
  });

  it.each([
    ['duration 1.5', { params: { duration: 1.5 } }, 'events.1.params.duration'],
    ['timestamp "yesterday"', { timestamp: 'yesterday' }, 'events.1.timestamp'],
    ['missing url', { url: undefined }, 'events.1.url'],
    ['unknown action', { action: 'LIKE' }, 'events.1.action'],
    ['a field Glean does not define', { source: 'x' }, 'events.1'],
    ['a relative url', { url: '/relative' }, 'events.1.url'],
    // 2,049 UTF-16 units, 2,048 code points: zod's maxLength, counting code points, let it through.
    ['a title one unit too long', { params: { title: `${'t'.repeat(MAX_TITLE_LENGTH - 1)}\uD83D\uDE00` } }, 'events.1.params.title'],
  ])('answers 400 naming the field for %s, storing nothing of the batch', async (_, change, field) => {
    const collector = await useCollector();
    const bad = { ...makeEvent(), ...change };
    const answer = await postActivity(collector, { events: [makeEvent(), bad, makeEvent()] });

    expect(answer.status).toBe(400);
    expect(answer.json.error).toContain(`${field}:`);
    expect(answer.json.fields).toEqual([field]);
    expect((await collector.store.countEvents())).toBe(0);
  });

  it.each([
    ['an array', []],
    ['a string', '"events"'],
    ['no events', {}],
    ['an extra top-level key', { events: [], extra: 1 }],
  ])('answers 400 to a body that is %s', async (_, body) => {
    const collector = await useCollector();
    const answer = await postActivity(collector, body);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(/^invalid batch: (body|events):/);
  });

  it('lists at most ten problems of a very bad batch, and stops looking there', async () => {
    const collector = await useCollector();
    const events = Array.from({ length: 50 }, () => makeEvent({ action: 'NOPE' as never }));
    const answer = await postActivity(collector, { events });
    expect(answer.status).toBe(400);
    expect(answer.json.fields).toEqual(Array.from({ length: 10 }, (_, i) => `events.${i}.action`));
    expect(answer.json.error).toMatch(/; validation stopped after 10 problems$/);
  });

  it(`answers 413 to more than ${MAX_EVENTS_PER_REQUEST} events before validating any`, async () => {
    const collector = await useCollector();
    const over = await postActivity(collector, { events: Array.from({ length: MAX_EVENTS_PER_REQUEST + 1 }, () => ({})) });
    expect(over.status).toBe(413);
    expect(over.json.error).toMatch(new RegExp(`at most ${MAX_EVENTS_PER_REQUEST} are accepted`));
    const atMax = await postActivity(collector, { events: Array.from({ length: MAX_EVENTS_PER_REQUEST }, () => makeEvent()) });
    expect(atMax.status).toBe(200);
    expect((await collector.store.countEvents())).toBe(MAX_EVENTS_PER_REQUEST);
  });

  it('answers 400 to a body that is not valid UTF-8, storing nothing (no U+FFFD)', async () => {
    const collector = await useCollector();
    const json = Buffer.from(JSON.stringify({ events: [makeEvent({ params: { title: 'AB' } })] }), 'utf8');
    // 0xC3 0x28: a lead byte followed by one that cannot continue it.
    const at = json.indexOf('AB');
    json[at] = 0xc3;
    json[at + 1] = 0x28;
    const answer = await rawRequest(collector, {
      method: 'POST',
      path: '/rest/api/v1/activity',
      headers: authHeaders(),
      chunks: [json],
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error).toMatch(/not valid UTF-8/);
    expect((await collector.store.countEvents())).toBe(0);
  });

  it.each([
    ['a javascript: url', { url: 'javascript:alert(1)' }, 'events.0.url'],
    ['a data: url', { url: 'data:text/html,<b>x</b>' }, 'events.0.url'],
    ['a file: url', { url: 'file:///etc/passwd' }, 'events.0.url'],
    ['a javascript: referrer', { params: { referrer: 'javascript:void(0)' } }, 'events.0.params.referrer'],
  ])('answers 400 to %s, storing nothing', async (_, change, field) => {
    const collector = await useCollector();
    const answer = await postActivity(collector, { events: [makeEvent(change), makeEvent()] });
    expect(answer.status).toBe(400);
    expect(answer.json.fields).toEqual([field]);
    expect(answer.json.error).toContain('http:// or https://');
    expect((await collector.store.countEvents())).toBe(0);
  });

  describe('the body limit', () => {
    function batchOfSize(bytes: number): string {
      const base = JSON.stringify({ events: [makeEvent({ params: { title: '' } })] });
      // Pad the title so the whole body has exactly `bytes` bytes (ASCII only).
      return base.replace('"title":""', `"title":"${'x'.repeat(bytes - base.length)}"`);
    }

    it('answers 413 to a body over the default 1 MiB and stores nothing', async () => {
      const collector = await useCollector();
      const events = Array.from({ length: 3000 }, () => makeEvent({ params: { title: 'x'.repeat(400) } }));
      const body = JSON.stringify({ events });
      expect(body.length).toBeGreaterThan(1024 * 1024);

      const answer = await postActivity(collector, body);

      expect(answer.status).toBe(413);
      expect(answer.json.error).toMatch(/larger than the limit of 1048576 bytes/);
      expect((await collector.store.countEvents())).toBe(0);
    });

    it('accepts a body of exactly the limit and refuses one byte more', async () => {
      const collector = await useCollector({ bodyLimit: 2000 });
      expect((await postActivity(collector, batchOfSize(2000))).status).toBe(200);
      expect((await postActivity(collector, batchOfSize(2001))).status).toBe(413);
      expect((await collector.store.countEvents())).toBe(1);
    });

    it('answers 413 to a chunked body without Content-Length that grows past the limit', async () => {
      const collector = await useCollector({ bodyLimit: 2000 });
      const body = batchOfSize(5000);
      const answer = await rawRequest(collector, {
        method: 'POST',
        path: '/rest/api/v1/activity',
        headers: { ...authHeaders(), 'Transfer-Encoding': 'chunked' },
        chunks: [body.slice(0, 1500), body.slice(1500, 3000), body.slice(3000)],
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.text).error).toMatch(/limit of 2000 bytes/);
      expect((await collector.store.countEvents())).toBe(0);
    });

    it('reads no more than the limit of a chunked body that grows past it, and closes', async () => {
      const collector = await useCollector({ bodyLimit: 2000 });
      const answer = await rawRequest(collector, {
        method: 'POST',
        path: '/rest/api/v1/activity',
        headers: { ...authHeaders(), 'Transfer-Encoding': 'chunked' },
        chunks: ['x'.repeat(1500), 'x'.repeat(1500)],
        keepOpen: true,
      });
      expect(answer.status).toBe(413);
      expect(answer.headers.connection).toBe('close');
    });

    it('answers 413 at once and closes when the declared length is not worth reading', async () => {
      const collector = await useCollector();
      const answer = await rawRequest(collector, {
        method: 'POST',
        path: '/rest/api/v1/activity',
        headers: { ...authHeaders(), 'Content-Length': String(10 * 1024 * 1024 * 1024) },
        chunks: ['{"events":['],
        keepOpen: true,
      });
      expect(answer.status).toBe(413);
      expect(answer.headers.connection).toBe('close');
      expect((await collector.store.countEvents())).toBe(0);
    });
  });

  describe('the token', () => {
    it.each([
      ['missing', {}, /missing token/],
      ['wrong', { Authorization: 'Bearer not-the-token' }, /wrong token/],
      ['in another scheme', { Authorization: `Basic ${TOKEN}` }, /missing token/],
      ['a prefix of the right one', { Authorization: `Bearer ${TOKEN.slice(0, -1)}` }, /wrong token/],
    ])('answers 401 when it is %s and stores nothing', async (_, auth, message) => {
      const collector = await useCollector();
      const answer = await postActivity(collector, { events: [makeEvent()] }, { 'Content-Type': 'application/json', ...auth });
      expect(answer.status).toBe(401);
      expect(answer.json.error).toMatch(message);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await collector.store.countEvents())).toBe(0);
    });

    it('is checked before the body: bad JSON without the token is a 401, not a 400', async () => {
      const collector = await useCollector();
      const answer = await postActivity(collector, '{not json', { 'Content-Type': 'application/json' });
      expect(answer.status).toBe(401);
    });

    it('is checked before the size: an oversize body without the token is a 401', async () => {
      const collector = await useCollector({ bodyLimit: 100 });
      const answer = await postActivity(collector, { events: [makeEvent()] }, { Authorization: 'Bearer nope' });
      expect(answer.status).toBe(401);
    });

    it('is checked before reading: a client without it gets its 401 without sending the body it declared', async () => {
      const collector = await useCollector();
      // Under the old 64 MiB drain cap, the server would have waited for all of it.
      const answer = await rawRequest(collector, {
        method: 'POST',
        path: '/rest/api/v1/activity',
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(10 * 1024 * 1024) },
        chunks: ['{"events":['],
        keepOpen: true,
      });
      expect(answer.status).toBe(401);
      expect(answer.headers.connection).toBe('close');
    });

    it('makes a client without it read no further than the body limit', async () => {
      const collector = await useCollector({ bodyLimit: 2000 });
      const answer = await rawRequest(collector, {
        method: 'POST',
        path: '/rest/api/v1/activity',
        headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
        chunks: ['x'.repeat(1500), 'x'.repeat(1500)],
        keepOpen: true,
      });
      expect(answer.status).toBe(401);
      expect(answer.headers.connection).toBe('close');
    });

    it('accepts the scheme in any case', async () => {
      const collector = await useCollector();
      const answer = await postActivity(collector, { events: [] }, { Authorization: `bearer ${TOKEN}` });
      expect(answer.status).toBe(200);
    });
  });

  describe('deduplication by id', () => {
    it('stores a repeated id inside one batch once, keeping the first', async () => {
      const collector = await useCollector();
      const first = makeEvent({ params: { title: 'first' } });
      const second = { ...first, params: { title: 'second' } };

      const answer = await postActivity(collector, { events: [first, makeEvent(), second] });

      expect(answer.json).toEqual({ received: 3, stored: 2, duplicates: 1 });
      expect((await collector.store.findEvent(first.id!))?.event.params?.title).toBe('first');
    });

    it('stores a repeated id across batches once, keeping the earlier version', async () => {
      const collector = await useCollector();
      const first = makeEvent({ params: { title: 'first' } });
      await postActivity(collector, { events: [first] });

      const answer = await postActivity(collector, { events: [{ ...first, params: { title: 'later' } }, makeEvent()] });

      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ received: 2, stored: 1, duplicates: 1 });
      expect((await collector.store.countEvents())).toBe(2);
      expect((await collector.store.findEvent(first.id!))?.event.params?.title).toBe('first');
    });

    it('stores every event without an id, even identical ones', async () => {
      const collector = await useCollector();
      const { id: _id, ...withoutId } = makeEvent();

      await postActivity(collector, { events: [withoutId, withoutId] });
      await postActivity(collector, { events: [withoutId] });

      const stored = (await collector.store.listEvents());
      expect(stored).toHaveLength(3);
      expect(stored.every((row) => row.event.id === undefined && row.event.url === withoutId.url)).toBe(true);
    });
  });

  it('accepts an empty Cookie header', async () => {
    const collector = await useCollector();
    const answer = await rawRequest(collector, {
      method: 'POST',
      path: '/rest/api/v1/activity',
      headers: { ...authHeaders(), Cookie: '' },
      chunks: [JSON.stringify({ events: [makeEvent()] })],
    });
    expect(answer.status).toBe(200);
    expect((await collector.store.countEvents())).toBe(1);
  });

  describe("Glean's official TypeScript SDK", () => {
    function sdkEvent(n: number) {
      return {
        id: makeEvent().id,
        action: 'VIEW' as const,
        timestamp: new Date(Date.UTC(2026, 10, 27, 17, 24, 19, 123 + n)),
        url: `https://docs.example.com/sdk-${n}`,
        params: { title: `SDK ${n}`, duration: 12 },
      };
    }

    it('reports activity successfully and the events arrive as the SDK serialized them', async () => {
      let seen: IncomingHttpHeaders | undefined;
      const collector = await useCollector({
        intercept: ({ headers }) => {
          seen = headers;
          return undefined;
        },
      });
      const glean = new Glean({ apiToken: TOKEN, serverURL: collector.url });

      await expect(glean.client.activity.report({ events: [sdkEvent(1), sdkEvent(2)] })).resolves.toBeUndefined();

      const stored = (await collector.store.listEvents()).map((row) => row.event);
      expect(stored).toHaveLength(2);
      expect(stored[0]).toMatchObject({ action: 'VIEW', url: 'https://docs.example.com/sdk-1', timestamp: '2026-11-27T17:24:19.124Z' });
      // What the SDK really sent: bearer token and the empty Cookie header the collector must tolerate.
      expect(seen?.authorization).toBe(`Bearer ${TOKEN}`);
      expect(seen?.cookie).toBe('');
    });

    it('works through a path prefix given as the server URL', async () => {
      const collector = await useCollector({ prefix: '/glean' });
      const glean = new Glean({ apiToken: TOKEN, serverURL: `${collector.url}/` });
      await glean.client.activity.report({ events: [sdkEvent(3)] });
      expect((await collector.store.countEvents())).toBe(1);
    });

    it('reports an error for a wrong token, and nothing is stored', async () => {
      const collector = await useCollector();
      const glean = new Glean({ apiToken: 'wrong', serverURL: collector.url });
      await expect(glean.client.activity.report({ events: [sdkEvent(4)] })).rejects.toMatchObject({ statusCode: 401 });
      expect((await collector.store.countEvents())).toBe(0);
    });

    it('treats 202 as an error, which is why the collector answers 200', async () => {
      const collector = await useCollector({ intercept: () => ({ respond: { status: 202 } }) });
      const glean = new Glean({ apiToken: TOKEN, serverURL: collector.url });
      await expect(glean.client.activity.report({ events: [sdkEvent(5)] })).rejects.toThrow();
    });
  });

  describe('fault injection for client tests', () => {
    it('answers what the interceptor says without storing, Retry-After readable', async () => {
      const collector = await useCollector();
      collector.setInterceptor(({ sequence }) =>
        sequence === 1 ? { respond: { status: 503, headers: { 'Retry-After': 7 }, body: { error: 'try later' } } } : undefined,
      );
      const event = makeEvent();

      const refused = await postActivity(collector, { events: [event] }, { ...authHeaders(), Origin: 'chrome-extension://abc' });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('7');
      expect(refused.headers.get('access-control-expose-headers')).toBe('Retry-After');
      expect((await collector.store.countEvents())).toBe(0);

      expect((await postActivity(collector, { events: [event] })).status).toBe(200);
      expect((await collector.store.countEvents())).toBe(1);
    });

    it('can store and then drop the connection, and the retransmission counts once', async () => {
      const collector = await useCollector({ intercept: ({ sequence }) => (sequence === 1 ? { destroy: true, store: true } : undefined) });
      const events: ActivityEvent[] = [makeEvent(), makeEvent()];

      await expect(postActivity(collector, { events })).rejects.toThrow();
      expect((await collector.store.countEvents())).toBe(2);

      const retry = await postActivity(collector, { events });
      expect(retry.json).toEqual({ received: 2, stored: 0, duplicates: 2 });
      expect((await collector.store.countEvents())).toBe(2);
    });

    it('counts batches per interceptor, so a new one starts at 1', async () => {
      const collector = await useCollector();
      await postActivity(collector, { events: [] });
      const sequences: number[] = [];
      collector.setInterceptor(({ sequence }) => void sequences.push(sequence));
      await postActivity(collector, { events: [] });
      await postActivity(collector, { events: [] });
      collector.setInterceptor(({ sequence }) => void sequences.push(-sequence));
      await postActivity(collector, { events: [] });
      expect(sequences).toEqual([1, 2, -1]);
    });

    it('is not consulted for unauthorized or invalid requests', async () => {
      const sequences: number[] = [];
      const collector = await useCollector({ intercept: ({ sequence }) => void sequences.push(sequence) });
      await postActivity(collector, { events: [makeEvent()] }, { Authorization: 'Bearer nope' });
      await postActivity(collector, { events: [{ bad: true }] });
      await postActivity(collector, { events: [makeEvent()] });
      expect(sequences).toEqual([1]);
    });
  });
});
