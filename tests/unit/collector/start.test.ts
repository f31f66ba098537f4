import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCollector } from '../../../collector/start';
import { THREAD_ENTRY } from '../../../collector/sqlite-writer';
import { makeEvent, postActivity, tempDir, useCollector } from './helpers';

describe('startCollector', () => {
  it('listens on an ephemeral 127.0.0.1 port and describes itself', async () => {
    const collector = await useCollector();
    expect(collector.host).toBe('127.0.0.1');
    expect(collector.port).toBeGreaterThan(0);
    expect(collector.url).toBe(`http://127.0.0.1:${collector.port}`);
    expect(collector.activityUrl).toBe(`${collector.url}/rest/api/v1/activity`);
    expect(collector.eventsUrl).toBe(`${collector.url}/events`);
    expect(collector.healthUrl).toBe(`${collector.url}/healthz`);
  });

  it('generates a token when none is given, and requires it', async () => {
    const dir = tempDir();
    const collector = await startCollector({ dbFile: join(dir, 'a.sqlite') });
    try {
      expect(collector.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const headers = { Authorization: `Bearer ${collector.token}` };
      expect((await postActivity(collector, { events: [] }, headers)).status).toBe(200);
      expect((await postActivity(collector, { events: [] }, {})).status).toBe(401);
    } finally {
      await collector.close();
    }
  });

  it('fails to start, with the reason, when the SQLite writer thread cannot start', async () => {
    const dir = tempDir();
    const entry = THREAD_ENTRY.href;
    // The thread's entry swapped for one that throws, as it would without tsx.
    THREAD_ENTRY.href = 'data:text/javascript,throw new Error("tsx is not installed")';
    try {
      await expect(startCollector({ dbFile: join(dir, 'a.sqlite'), token: 't' })).rejects.toThrow(
        /the store at .*a\.sqlite does not answer: the SQLite writer thread stopped: tsx is not installed/,
      );
    } finally {
      THREAD_ENTRY.href = entry;
    }
    // Nothing was left open: the same file starts a collector at once.
    const collector = await startCollector({ dbFile: join(dir, 'a.sqlite'), token: 't' });
    expect((await postActivity(collector, { events: [makeEvent()] }, { Authorization: 'Bearer t' })).status).toBe(200);
    await collector.close();
  });

  it('closes: the port is released, the file can be reopened with its events', async () => {
    const dir = tempDir();
    const dbFile = join(dir, 'a.sqlite');
    const first = await startCollector({ dbFile, token: 't' });
    const event = makeEvent();
    await postActivity(first, { events: [event] }, { Authorization: 'Bearer t' });
    // An idle keep-alive connection must not hold close() open.
    await first.close();
    await first.close();
    await expect(fetch(first.healthUrl)).rejects.toThrow();

    const second = await startCollector({ dbFile, token: 't', port: first.port });
    try {
      expect(second.port).toBe(first.port);
      expect(second.store.all().map((row) => row.event)).toEqual([event]);
    } finally {
      await second.close();
    }
  });

  it('rejects when the port is taken, and leaves nothing open', async () => {
    const taken = await useCollector();
    const dir = tempDir();
    await expect(startCollector({ dbFile: join(dir, 'b.sqlite'), port: taken.port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  it('runs from an in-memory database too', async () => {
    const collector = await startCollector({ dbFile: ':memory:', token: 't' });
    try {
      await postActivity(collector, { events: [makeEvent()] }, { Authorization: 'Bearer t' });
      expect((await collector.store.countEvents())).toBe(1);
    } finally {
      await collector.close();
    }
  });
});
