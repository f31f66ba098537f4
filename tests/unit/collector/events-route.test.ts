import { describe, expect, it, vi } from 'vitest';
import type { EventsPage } from '../../../collector/events-route';
import { getJson, makeEvent, postActivity, useCollector, describeEngines } from './helpers';

describeEngines('GET /events', () => {
  it('lists what arrived newest first, in pages that follow one another', async () => {
    const collector = await useCollector();
    const first = [makeEvent(), makeEvent()];
    const second = [makeEvent(), makeEvent(), makeEvent()];
    await postActivity(collector, { events: first });
    await postActivity(collector, { events: second });
    const newestFirst = [...first, ...second].reverse();

    const page1 = (await getJson(`${collector.eventsUrl}?limit=2`)).json as unknown as EventsPage;
    expect(page1.events.map((row) => row.event)).toEqual(newestFirst.slice(0, 2));
    expect(page1.next).toBe(`/events?limit=2&before=${page1.nextBefore}`);

    const page2 = (await getJson(`${collector.url}${page1.next}`)).json as unknown as EventsPage;
    expect(page2.events.map((row) => row.event)).toEqual(newestFirst.slice(2, 4));

    const page3 = (await getJson(`${collector.url}${page2.next}`)).json as unknown as EventsPage;
    expect(page3.events.map((row) => row.event)).toEqual(newestFirst.slice(4));
    expect(page3.next).toBeNull();
    expect(page3.nextBefore).toBeNull();
  });

  it('pages by its next links while batches keep arriving: no row twice, none of what existed missed', async () => {
    const collector = await useCollector();
    const existing = Array.from({ length: 300 }, (_, i) =>
      makeEvent(i % 3 === 0 ? { action: 'SEARCH', params: { query: `q${i}` } } : {}),
    );
    for (let i = 0; i < existing.length; i += 100) {
      expect((await postActivity(collector, { events: existing.slice(i, i + 100) })).status).toBe(200);
    }
    const newcomers: string[] = [];
    /** A batch of VIEWs and a SEARCH, sent while a page is being read. */
    async function arrive(): Promise<void> {
      const batch = [makeEvent(), makeEvent({ action: 'SEARCH', params: { query: 'new' } }), makeEvent()];
      expect((await postActivity(collector, { events: batch })).status).toBe(200);
      newcomers.push(...batch.filter((event) => event.action === 'VIEW').map((event) => event.id!));
    }

    const seen: { seq: number; id: string; action: string }[] = [];
    let next: string | null = '/events?limit=25&action=VIEW';
    let pages = 0;
    while (next !== null) {
      // Each page is read with batches landing before, during and after it.
      const [, page] = await Promise.all([arrive(), getJson(`${collector.url}${next}`), arrive()]);
      const body = page.json as unknown as EventsPage;
      seen.push(...body.events.map((row) => ({ seq: row.seq, id: row.event.id!, action: row.event.action })));
      next = body.next;
      pages += 1;
    }

    const expected = existing.filter((event) => event.action === 'VIEW').map((event) => event.id!);
    const ids = seen.map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => expected.includes(id)).sort()).toEqual([...expected].sort());
    // What else a page showed arrived during the walk; every row matches the filter.
    expect(ids.filter((id) => !expected.includes(id)).every((id) => newcomers.includes(id))).toBe(true);
    expect(seen.every((row) => row.action === 'VIEW')).toBe(true);
    // Newest first across the whole walk.
    expect(seen.map((row) => row.seq)).toEqual(seen.map((row) => row.seq).sort((a, b) => b - a));
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(expected.length / 25));
  });

  it('gives each row its arrival number and time', async () => {
    const collector = await useCollector();
    const before = Date.now();
    await postActivity(collector, { events: [makeEvent()] });
    const page = (await getJson(collector.eventsUrl)).json as unknown as EventsPage;
    expect(page.events[0]?.seq).toBe(1);
    const receivedAt = Date.parse(page.events[0]!.receivedAt);
    expect(receivedAt).toBeGreaterThanOrEqual(before - 1);
    expect(receivedAt).toBeLessThanOrEqual(Date.now());
  });

  it('answers an empty list for an empty store', async () => {
    const collector = await useCollector();
    const { status, json } = await getJson(collector.eventsUrl);
    expect(status).toBe(200);
    expect(json).toEqual({ events: [], nextBefore: null, next: null });
  });

  it.each(['limit=0', 'limit=1001', 'limit=abc', 'before=0', 'before=-3', 'limit=2.5'])(
    'answers 400 to ?%s',
    async (query) => {
      const collector = await useCollector();
      const { status, json } = await getJson(`${collector.eventsUrl}?${query}`);
      expect(status).toBe(400);
      expect(json.error).toMatch(/^invalid query: (limit|before): /);
    },
  );

  it('does not count the table for a page', async () => {
    const collector = await useCollector();
    await postActivity(collector, { events: [makeEvent(), makeEvent()] });
    const count = vi.spyOn(collector.store, 'countEvents');
    const { status, json } = await getJson(`${collector.eventsUrl}?limit=1`);
    expect(status).toBe(200);
    expect(json).not.toHaveProperty('total');
    expect(count).not.toHaveBeenCalled();
  });

  it('needs the token, as the events are a browsing history', async () => {
    const collector = await useCollector();
    await postActivity(collector, { events: [makeEvent()] });
    const { status, json } = await getJson(collector.eventsUrl, {});
    expect(status).toBe(401);
    expect(json).not.toHaveProperty('events');
  });
});
