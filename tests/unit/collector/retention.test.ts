import { expect, it } from 'vitest';
import type { CollectorClock } from '../../../collector/retention';
import { describeEngines, makeEvent, newDatabase, postActivity, useCollector } from './helpers';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** A clock that stands still until the test moves it; the jobs it holds run as it passes their times. */
function manualClock(start: number): CollectorClock & { advance(ms: number): void; jobs(): number } {
  let now = start;
  const jobs: { ms: number; next: number; job: () => void }[] = [];
  return {
    now: () => now,
    every(ms, job) {
      const entry = { ms, next: now + ms, job };
      jobs.push(entry);
      return () => jobs.splice(jobs.indexOf(entry), 1);
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        const due = jobs.filter((entry) => entry.next <= target).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        now = due.next;
        due.next += due.ms;
        due.job();
      }
      now = target;
    },
    jobs: () => jobs.length,
  };
}

describeEngines('retention (--keep-days)', () => {
  it('deletes by arrival time at start and then hourly, and keeps what is younger', async () => {
    const start = Date.parse('2026-06-01T00:00:00.000Z');
    const clock = manualClock(start);
    const collector = await useCollector({ clock, keepDays: 30 });
    expect(await collector.retention!.latest()).toBe(0);

    // Received on day 0 and at 12:00 on day 1, by the collector's clock.
    const early = makeEvent();
    expect((await postActivity(collector, { events: [early] })).status).toBe(200);
    clock.advance(DAY + 12 * HOUR);
    const later = makeEvent();
    expect((await postActivity(collector, { events: [later] })).status).toBe(200);
    const ids = async () => (await collector.store.listEvents()).map((row) => row.event.id);
    expect((await collector.store.listEvents()).map((row) => row.receivedAt)).toEqual([
      '2026-06-01T00:00:00.000Z',
      '2026-06-02T12:00:00.000Z',
    ]);

    // 30 days after the first arrival: neither is older than 30 days, whatever the hourly
    // rounds did meanwhile.
    clock.advance(28 * DAY + 12 * HOUR);
    expect(await collector.retention!.latest()).toBe(0);
    expect(await ids()).toEqual([early.id, later.id]);

    // The next hourly round takes the first, not the second.
    clock.advance(HOUR);
    expect(await collector.retention!.latest()).toBe(1);
    expect(await ids()).toEqual([later.id]);

    // 36 hours on, the rounds have taken the second as well.
    clock.advance(36 * HOUR);
    await collector.retention!.latest();
    expect(await ids()).toEqual([]);
  });

  it('prunes at start what a stopped collector left behind, and stops with the collector', async () => {
    const start = Date.parse('2026-06-01T00:00:00.000Z');
    const database = await newDatabase();
    const first = await useCollector({ database, clock: manualClock(start) });
    expect(first.retention).toBeUndefined();
    await postActivity(first, { events: [makeEvent()] });
    await first.close();

    // Ten days later, started with --keep-days 7: the old event goes in the start round.
    const clock = manualClock(start + 10 * DAY);
    const second = await useCollector({ database, clock, keepDays: 7 });
    expect(clock.jobs()).toBe(1);
    expect(await second.retention!.latest()).toBe(1);
    expect(await second.store.countEvents()).toBe(0);
    await second.close();
    expect(clock.jobs()).toBe(0);
  });
});
