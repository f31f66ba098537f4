import type Browser from 'webextension-polyfill';
import type { SettingsReader } from '../settings/settings-reader';
import type { EventLog } from '../store/event-log';
import { visitClassifier } from './classify-visit';
import { ImportJobSchema, newImportJob, runHistoryImport, type HistoryApi, type ImportJob } from './history-import';
import { randomUuid } from './uuidv5';

/** storage.local: the import in progress or last finished (the options page shows it). */
export const IMPORT_JOB_KEY = 'historyImport';
/** storage.local: the per-install namespace of imported visits' ids, made once. */
export const NAMESPACE_KEY = 'historyNamespace';

export interface HistoryJobsDeps {
  storage: Pick<Browser.Storage.Static, 'local'>;
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
  const local = storage.local;
  let running: Promise<ImportJob> | null = null;
  let cancelRequested = false;

  async function namespace(): Promise<string> {
    const { [NAMESPACE_KEY]: stored } = await local.get(NAMESPACE_KEY);
    if (typeof stored === 'string') return stored;
    const created = randomUuid();
    await local.set({ [NAMESPACE_KEY]: created });
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
          saveJob: (saved) => local.set({ [IMPORT_JOB_KEY]: saved }),
          cancelled: () => cancelRequested,
        });
      } catch (error) {
        const failed = { ...job, state: 'failed' as const, error: error instanceof Error ? error.message : String(error) };
        await local.set({ [IMPORT_JOB_KEY]: failed });
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
      const { [IMPORT_JOB_KEY]: stored } = await local.get(IMPORT_JOB_KEY);
      const job = ImportJobSchema.safeParse(stored);
      if (!running && job.success && job.data.state === 'running') {
        await local.set({ [IMPORT_JOB_KEY]: { ...job.data, state: 'cancelled' } });
      }
    },
    /** Goes on with an import a stopped worker or a closed browser left running. */
    async resume(): Promise<void> {
      const { [IMPORT_JOB_KEY]: stored } = await local.get(IMPORT_JOB_KEY);
      const job = ImportJobSchema.safeParse(stored);
      if (running || !job.success || job.data.state !== 'running' || !deps.history()) return;
      await run(job.data).catch(onError);
    },
  };
}
