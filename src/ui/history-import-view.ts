import type { SendRequest } from '../messaging/protocol';
import type { Areas, StorageEvents } from '../platform/stored-item';
import { IMPORT_JOB, type ImportJob } from '../settings/stored-items';
import type { Translate } from './i18n';

export interface HistoryImportDeps {
  document: Document;
  storage: Areas<'local'> & StorageEvents;
  /** `permissions.request({ permissions: ['history'] })`, from the click (a user gesture). */
  requestHistoryPermission: () => Promise<boolean>;
  send: SendRequest;
  t: Translate;
  locale?: string;
}

/** The words under the progress bar for an import's state. */
export function importStatusText(job: ImportJob, t: Translate, locale?: string): string {
  const n = (value: number) => value.toLocaleString(locale);
  switch (job.state) {
    case 'running':
      return t('importRunning', n(job.doneVisits), n(job.totalVisits));
    case 'done':
      return t('importDone', n(job.doneVisits), n(job.totalVisits), n(job.written));
    case 'cancelled':
      return t('importCancelled', n(job.doneVisits), n(job.totalVisits));
    case 'failed':
      return t('importFailed', job.error ?? '');
  }
}

/** "Import history" on the options page (docs/design.md §8): the work runs in the background. */
export async function mountHistoryImport(deps: HistoryImportDeps): Promise<void> {
  const { document: doc, storage, t, locale } = deps;
  const period = doc.getElementById('importPeriod') as HTMLSelectElement;
  const start = doc.getElementById('importHistory') as HTMLButtonElement;
  const cancel = doc.getElementById('cancelImport') as HTMLButtonElement;
  const progress = doc.getElementById('importProgress') as HTMLProgressElement;
  const status = doc.getElementById('importStatus')!;

  function show(job: ImportJob | null): void {
    if (job === null) return;
    const running = job.state === 'running';
    start.disabled = running;
    cancel.hidden = !running;
    progress.hidden = false;
    progress.max = Math.max(1, job.totalVisits);
    progress.value = job.doneVisits;
    status.textContent = importStatusText(job, t, locale);
  }

  start.addEventListener('click', async () => {
    // Asked at this moment, from the click: the permission is optional (docs/design.md §2).
    if (!(await deps.requestHistoryPermission())) {
      status.textContent = t('importNoPermission');
      return;
    }
    start.disabled = true;
    try {
      await deps.send({ type: 'importHistory', days: Number(period.value) as 7 | 30 | 90 });
    } catch (error) {
      // No background answered: say so, and let the user try again.
      start.disabled = false;
      status.textContent = t('importFailed', error instanceof Error ? error.message : String(error));
    }
  });
  cancel.addEventListener('click', () => void deps.send({ type: 'cancelImport' }));
  IMPORT_JOB.watch(storage, show);
  show(await IMPORT_JOB.get(storage));
}
