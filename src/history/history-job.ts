import type { Areas } from '../platform/stored-item';
import type { SettingsReader } from '../settings/settings-reader';
import { HISTORY_NAMESPACE, IMPORT_JOB, type ImportJob } from '../settings/stored-items';
import type { EventLog } from '../store/event-log';
import { visitClassifier } from './classify-visit';
import { newImportJob, runHistoryImport, type HistoryApi } from './history-import';
import { randomUuid } from './uuidv5';

export interface HistoryJobsDeps {
  storage: Areas<'local'>;
  /** The `history` API once the optional permission is granted (read at each use). */
  history: () => HistoryApi | undefined;
  log: Pick<EventLog, 'append'>;
  /** The settings in force: the import follows the same privacy rules as capture. */
  settings: Pick<SettingsReader, 'settings'>;
  clock?: () => number;
  onError?: (error: unknown) => void;
}

/**
 * Runs history imports in the background, one at a time: started from the options page,
 * cancelled from it, and resumed where it left off when a new worker finds one running.
 */
export function historyJobs(deps: HistoryJobsDeps) {
  const { storage, log, clock = Date.now, onError = console.error } = deps;
  let running: Promise<ImportJob> | null = null;
  let cancelRequested = false;

  async function namespace(): Promise<string> {
    const stored = await HISTORY_NAMESPACE.get(storage);
    if (stored !== null) return stored;
    const created = randomUuid();
    await HISTORY_NAMESPACE.set(storage, created);
    return created;
  }

  function run(job: ImportJob): Promise<ImportJob> {
    const history = deps.history();
    if (!history) throw new Error('History import needs the "history" permission, which was not granted');
    running = (async () => {
      const settings = await deps.settings.settings();
      try {
        return await runHistoryImport(job, {
          history,
          append: (events) => log.append(events),
          classify: visitClassifier(settings),
          namespace: await namespace(),
          saveJob: (saved) => IMPORT_JOB.set(storage, saved),
          cancelled: () => cancelRequested,
        });
      } catch (error) {
        const failed = { ...job, state: 'failed' as const, error: error instanceof Error ? error.message : String(error) };
        await IMPORT_JOB.set(storage, failed);
        throw error;
      }
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    /** Imports the last `days` days; an import already running is left to finish. */
    start(days: number): Promise<ImportJob> {
      if (running) return running;
      cancelRequested = false;
      return run(newImportJob(days, clock()));
    },
    /**
     * Stops the import between two batches. One that no worker is running (a resume that has
     * not begun, or cannot: the permission was withdrawn) is marked cancelled where it is kept.
     */
    async cancel(): Promise<void> {
      cancelRequested = true;
      if (running) return;
      const job = await IMPORT_JOB.get(storage);
      if (!running && job?.state === 'running') await IMPORT_JOB.set(storage, { ...job, state: 'cancelled' });
    },
    /** Goes on with an import a stopped worker or a closed browser left running. */
    async resume(): Promise<void> {
      const job = await IMPORT_JOB.get(storage);
      if (running || job?.state !== 'running' || !deps.history()) return;
      await run(job).catch(onError);
    },
  };
}
