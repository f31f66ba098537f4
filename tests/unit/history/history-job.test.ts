import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { HistoryApi } from '../../../src/history/history-import';
import { historyJobs } from '../../../src/history/history-job';
import { HISTORY_NAMESPACE, IMPORT_JOB } from '../../../src/settings/stored-items';
import { readSettings } from '../../../src/settings/settings-store';
import { openEventLog, type EventLog } from '../../../src/store/event-log';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

const history: HistoryApi = {
  async search() {
    return [
      { url: 'https://wiki.example/a', title: 'A' },
      { url: 'https://online.bank.example/account', title: 'Bank' },
      { url: 'https://www.google.com/search?q=glean', title: 'glean - Google Search' },
    ];
  },
  async getVisits({ url }) {
    return [1, 2].map((n) => ({ visitId: `${url.length}${n}`, visitTime: NOW - n * 3600_000 }));
  },
};

let log: EventLog;

function jobs(withHistory: HistoryApi | null = history) {
  return historyJobs({
    storage: fakeBrowser.storage as never,
    history: () => withHistory ?? undefined,
    log,
    settings: { settings: () => readSettings(fakeBrowser.storage.local, undefined) },
    clock: () => NOW,
  });
}

beforeEach(async () => {
  fakeBrowser.reset();
  log = await openEventLog(new IDBFactory());
  await fakeBrowser.storage.local.set({ settings: { denyList: ['*.bank.example'] } });
});

describe('history import jobs', () => {
  it('imports with the user settings, keeps one namespace per install, and records the job', async () => {
    const job = await jobs().start(7);
    expect(job).toMatchObject({ state: 'done', totalVisits: 6, doneVisits: 6, written: 4 });
    const { [IMPORT_JOB.key]: saved, [HISTORY_NAMESPACE.key]: namespace } = await fakeBrowser.storage.local.get([IMPORT_JOB.key, HISTORY_NAMESPACE.key]);
    expect(saved).toMatchObject({ state: 'done', written: 4 });
    const actions = (await log.recent(10)).map((e) => e.event.action).sort();
    expect(actions).toEqual(['HISTORICAL_SEARCH', 'HISTORICAL_SEARCH', 'HISTORICAL_VIEW', 'HISTORICAL_VIEW']);
    expect(await jobs().start(30)).toMatchObject({ state: 'done', written: 0 });
    expect((await fakeBrowser.storage.local.get(HISTORY_NAMESPACE.key))[HISTORY_NAMESPACE.key]).toBe(namespace);
  });

  it('says clearly when the history permission is missing', () => {
    expect(() => jobs(null).start(7)).toThrow(/"history" permission/);
  });

  it('resumes an import a stopped worker left running, and leaves a finished one alone', async () => {
    await fakeBrowser.storage.local.set({
      [IMPORT_JOB.key]: { startTime: NOW - 7 * 86_400_000, endTime: NOW, state: 'running', totalVisits: 6, doneVisits: 0, written: 0, cursor: null },
    });
    await jobs().resume();
    expect((await fakeBrowser.storage.local.get(IMPORT_JOB.key))[IMPORT_JOB.key]).toMatchObject({ state: 'done', written: 4 });
    await jobs().resume();
    expect(await log.recent(10)).toHaveLength(4);
  });

  it('cancels an import no worker is running (it cannot resume: no permission), so it can be started again', async () => {
    const left = { startTime: NOW - 7 * 86_400_000, endTime: NOW, state: 'running', totalVisits: 6, doneVisits: 2, written: 1, cursor: 'x' };
    await fakeBrowser.storage.local.set({ [IMPORT_JOB.key]: left });
    const withoutPermission = jobs(null);
    await withoutPermission.resume();
    await withoutPermission.cancel();
    expect((await fakeBrowser.storage.local.get(IMPORT_JOB.key))[IMPORT_JOB.key]).toEqual({ ...left, state: 'cancelled' });
  });

  it('keeps a cancel that arrives while a woken worker is about to resume', async () => {
    await fakeBrowser.storage.local.set({
      [IMPORT_JOB.key]: { startTime: NOW - 7 * 86_400_000, endTime: NOW, state: 'running', totalVisits: 6, doneVisits: 0, written: 0, cursor: null },
    });
    const woken = jobs();
    const resumed = woken.resume();
    const cancelled = woken.cancel();
    await Promise.all([resumed, cancelled]);
    expect((await fakeBrowser.storage.local.get(IMPORT_JOB.key))[IMPORT_JOB.key]).toMatchObject({ state: 'cancelled' });
  });
});
