import type { ImportJob } from '../settings/stored-items';
import type { RecordedEvent } from '../model/activity-event';
import { uuidv5 } from './uuidv5';

/** The part of the `history` API the import reads. */
export interface HistoryApi {
  search(query: { text: string; startTime: number; endTime: number; maxResults: number }): Promise<
    { url?: string; title?: string }[]
  >;
  getVisits(details: { url: string }): Promise<{ visitId: string; visitTime?: number }[]>;
}

/** What a visited URL becomes, or null when it must not be recorded (sanitizer, filters). */
export type ClassifyVisit = (
  url: string,
  title: string | undefined,
) => { action: 'HISTORICAL_VIEW' | 'HISTORICAL_SEARCH'; url: string; title?: string; query?: string } | null;


export interface HistoryImportDeps {
  history: HistoryApi;
  /** Writes events in one transaction; an id already in the log is skipped. Returns how many were written. */
  append: (events: RecordedEvent[]) => Promise<number>;
  classify: ClassifyVisit;
  /** The per-install namespace of the visits' UUIDv5 ids. */
  namespace: string;
  saveJob: (job: ImportJob) => Promise<void>;
  /** Checked between batches. */
  cancelled: () => boolean;
  batchSize?: number;
  /** Lets live capture's transactions run between two batches. */
  yieldToOthers?: () => Promise<void>;
}

interface Visit {
  key: string;
  url: string;
  title?: string;
  visitId: string;
  visitTime: number;
}

const DAY_MS = 86_400_000;

export function newImportJob(days: number, now: number): ImportJob {
  return { startTime: now - days * DAY_MS, endTime: now, state: 'running', totalVisits: 0, doneVisits: 0, written: 0, cursor: null };
}

/** Every visit of the period, in a fixed order (by URL, then visit id): the order a cursor can resume in. */
async function visitsOf(history: HistoryApi, job: ImportJob): Promise<Visit[]> {
  const items = await history.search({ text: '', startTime: job.startTime, endTime: job.endTime, maxResults: 0x7fffffff });
  const visits: Visit[] = [];
  for (const item of items) {
    if (!item.url) continue;
    for (const visit of await history.getVisits({ url: item.url })) {
      const visitTime = visit.visitTime;
      if (visitTime === undefined || visitTime < job.startTime || visitTime > job.endTime) continue;
      visits.push({ key: `${item.url}\u0000${visit.visitId.padStart(20, '0')}`, url: item.url, title: item.title, visitId: visit.visitId, visitTime });
    }
  }
  return visits.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Imports (or resumes importing) the browser history of the job's period as HISTORICAL_VIEW /
 * HISTORICAL_SEARCH events (docs/design.md §2), in batches of one transaction each, saving the
 * job after every batch. Ids are UUIDv5 of the install's namespace and the visit id, so an
 * import repeated or overlapping another writes nothing twice.
 */
export async function runHistoryImport(start: ImportJob, deps: HistoryImportDeps): Promise<ImportJob> {
  const { batchSize = 500, yieldToOthers = () => new Promise((resolve) => setTimeout(resolve, 0)) } = deps;
  let job: ImportJob = { ...start, state: 'running' };
  const visits = await visitsOf(deps.history, job);
  const remaining = job.cursor === null ? visits : visits.filter((visit) => visit.key > job.cursor!);
  job = { ...job, totalVisits: visits.length, doneVisits: visits.length - remaining.length };
  await deps.saveJob(job);

  for (let i = 0; i < remaining.length; i += batchSize) {
    if (deps.cancelled()) {
      job = { ...job, state: 'cancelled' };
      await deps.saveJob(job);
      return job;
    }
    const batch = remaining.slice(i, i + batchSize);
    const events: RecordedEvent[] = [];
    for (const visit of batch) {
      const recorded = deps.classify(visit.url, visit.title);
      if (!recorded) continue;
      events.push({
        id: await uuidv5(deps.namespace, `visit:${visit.visitId}`),
        action: recorded.action,
        timestamp: new Date(visit.visitTime).toISOString(),
        url: recorded.url,
        ...((recorded.title || recorded.query) && {
          params: { ...(recorded.title && { title: recorded.title }), ...(recorded.query && { query: recorded.query }) },
        }),
      });
    }
    const written = events.length > 0 ? await deps.append(events) : 0;
    job = { ...job, doneVisits: job.doneVisits + batch.length, written: job.written + written, cursor: batch.at(-1)!.key };
    await deps.saveJob(job);
    await yieldToOthers();
  }
  job = { ...job, state: 'done' };
  await deps.saveJob(job);
  return job;
}
