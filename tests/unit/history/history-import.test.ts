import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { detectSearchQuery } from '../../../src/privacy/search-engines';
import {
  newImportJob,
  runHistoryImport,
  type ClassifyVisit,
  type HistoryApi,
  type HistoryImportDeps,
} from '../../../src/history/history-import';
import type { ImportJob } from '../../../src/settings/stored-items';
import { randomUuid } from '../../../src/history/uuidv5';
import { openEventLog, type EventLog } from '../../../src/store/event-log';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const DAY = 86_400_000;

/** A browser history: `urls` pages, visited `visitsPerUrl` times each, spread over 90 days. */
function fakeHistory(urls: number, visitsPerUrl: number): HistoryApi & { calls: number } {
  const pages = Array.from({ length: urls }, (_, u) => ({
    url: u % 50 === 0 ? `https://www.google.com/search?q=topic+${u}` : `https://site${u % 7}.example/page/${u}`,
    title: `Page ${u}`,
    visits: Array.from({ length: visitsPerUrl }, (_, v) => ({
      visitId: String(u * visitsPerUrl + v + 1),
      visitTime: NOW - ((u * visitsPerUrl + v) % 90) * DAY - 1000,
    })),
  }));
  const api = {
    calls: 0,
    async search({ startTime, endTime }: { startTime: number; endTime: number }) {
      api.calls++;
      // Like the real API: a URL is found when its last visit is in the period.
      return pages
        .filter((page) => page.visits.some((visit) => visit.visitTime >= startTime && visit.visitTime <= endTime))
        .map(({ url, title }) => ({ url, title }));
    },
    async getVisits({ url }: { url: string }) {
      api.calls++;
      return pages.find((page) => page.url === url)?.visits ?? [];
    },
  };
  return api;
}

const classify: ClassifyVisit = (url, title) => {
  if (url.includes('site3.example')) return null; // a denied host
  const query = detectSearchQuery(url);
  return query ? { action: 'HISTORICAL_SEARCH', url, title, query } : { action: 'HISTORICAL_VIEW', url, title };
};

let log: EventLog;
let namespace: string;
let saved: ImportJob[];

function deps(history: HistoryApi, overrides: Partial<HistoryImportDeps> = {}): HistoryImportDeps {
  return {
    history,
    append: (events) => log.append(events),
    classify,
    namespace,
    saveJob: async (job) => {
      saved.push(job);
    },
    cancelled: () => false,
    yieldToOthers: async () => undefined,
    ...overrides,
  };
}

async function allIds(): Promise<string[]> {
  return (await log.recent(1_000_000)).map((entry) => entry.event.id);
}

beforeEach(async () => {
  log = await openEventLog(new IDBFactory());
  namespace = randomUuid();
  saved = [];
});

describe('history import', () => {
  it('imports every visit of the period as HISTORICAL_VIEW or HISTORICAL_SEARCH, through the filters', async () => {
    const history = fakeHistory(200, 3);
    const job = await runHistoryImport(newImportJob(30, NOW), deps(history));
    const entries = await log.recent(10_000);
    let inPeriod = 0;
    for (const { url } of await history.search({ text: '', startTime: NOW - 30 * DAY, endTime: NOW, maxResults: 1e9 })) {
      inPeriod += (await history.getVisits({ url: url! })).filter((v) => (v.visitTime ?? 0) >= NOW - 30 * DAY).length;
    }
    expect(inPeriod).toBeGreaterThan(100);
    expect(job).toMatchObject({ state: 'done', totalVisits: inPeriod, doneVisits: inPeriod });
    expect(entries.every((e) => Date.parse(e.event.timestamp) >= NOW - 30 * DAY)).toBe(true);
    expect(entries.some((e) => e.event.url.includes('site3.example'))).toBe(false);
    expect(job.written).toBe(entries.length);
    const search = entries.find((e) => e.event.action === 'HISTORICAL_SEARCH');
    expect(search?.event).toMatchObject({ url: expect.stringContaining('google.com/search'), params: { query: expect.stringMatching(/^topic \d+$/) } });
    expect(entries.filter((e) => e.event.action === 'HISTORICAL_VIEW').length).toBeGreaterThan(0);
  });

  it('writes nothing twice when the same period is imported again, or an overlapping one', async () => {
    const history = fakeHistory(300, 2);
    const first = await runHistoryImport(newImportJob(7, NOW), deps(history));
    const idsAfterFirst = await allIds();
    expect(first.written).toBe(idsAfterFirst.length);
    const again = await runHistoryImport(newImportJob(7, NOW), deps(history));
    expect(again.written).toBe(0);
    const wider = await runHistoryImport(newImportJob(30, NOW), deps(history));
    const ids = await allIds();
    expect(new Set(ids).size).toBe(ids.length);
    expect(wider.written).toBe(ids.length - idsAfterFirst.length);
  });

  it('gives a visit the same id in another run (stable UUIDv5 of the install namespace and visit id)', async () => {
    const history = fakeHistory(50, 2);
    await runHistoryImport(newImportJob(90, NOW), deps(history));
    const ids = (await allIds()).sort();
    log = await openEventLog(new IDBFactory());
    await runHistoryImport(newImportJob(90, NOW), deps(history));
    expect((await allIds()).sort()).toEqual(ids);
  });

  it('stops when cancelled and resumes where it left off, writing each visit once', async () => {
    const history = fakeHistory(1000, 1);
    let batches = 0;
    const cancelled = await runHistoryImport(
      newImportJob(90, NOW),
      deps(history, { batchSize: 100, cancelled: () => ++batches > 3 }),
    );
    expect(cancelled).toMatchObject({ state: 'cancelled', doneVisits: 300 });
    expect(await allIds()).toHaveLength(cancelled.written);

    // The worker restarts: the saved job is all that is left of the first run.
    const resumed = await runHistoryImport(saved.at(-1)!, deps(history, { batchSize: 100 }));
    expect(resumed).toMatchObject({ state: 'done', totalVisits: 1000, doneVisits: 1000 });
    const ids = await allIds();
    expect(new Set(ids).size).toBe(ids.length);
    // `written` counts for the whole job, across the stop.
    expect(resumed.written).toBe(ids.length);
    expect(resumed.written).toBeGreaterThan(cancelled.written);
  });

  it('imports 100,000 visits in batches, saving progress after each', async () => {
    const history = fakeHistory(25_000, 4);
    const job = await runHistoryImport(newImportJob(90, NOW), deps(history, { batchSize: 1000 }));
    expect(job).toMatchObject({ state: 'done', totalVisits: 100_000, doneVisits: 100_000 });
    expect(saved.filter((s) => s.state === 'running').length).toBeGreaterThanOrEqual(100);
    expect((await log.countByState()).pending).toBe(job.written);
  }, 180_000);
});
