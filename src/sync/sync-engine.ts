import { InvalidEventError, validateRecordedEvent, type RecordedEvent } from '../model/activity-event';
import type { EventLog, Rejection } from '../store/event-log';
import { retryDelayMs } from './backoff';
import { fitBatch, type BatchLimits } from './batch';
import { postBatch, type PostOutcome } from './post-batch';
import type { SyncStatus } from './sync-status';

export interface SyncConfig {
  enabled: boolean;
  endpointUrl: string;
  token: string;
  limits: BatchLimits;
}

/** The part of the Web Locks API sync needs: one holder at a time across the extension. */
export interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable: true }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

export interface SyncDeps {
  log: Pick<EventLog, 'takePending' | 'markSent' | 'markRejected'>;
  fetch: typeof fetch;
  loadConfig: () => Promise<SyncConfig>;
  loadStatus: () => Promise<SyncStatus>;
  saveStatus: (status: SyncStatus) => Promise<void>;
  clock?: () => number;
  random?: () => number;
  /** `navigator.locks` in the extension; without it, single-flight holds within this context. */
  locks?: LockManagerLike;
  timeoutMs?: number;
}

export type SyncOutcome =
  /** Nothing pending is left. */
  | 'done'
  /** No endpoint, or sync turned off. */
  | 'disabled'
  /** Another sync holds the lock. */
  | 'busy'
  /** In backoff: the next try is at `status.nextAttemptAt`. */
  | 'waiting'
  | 'auth-error'
  /** This try failed; `status.nextAttemptAt` says when the next one is. */
  | 'failed';

export interface SyncReport {
  outcome: SyncOutcome;
  sent: number;
  rejected: number;
  requests: number;
  status: SyncStatus;
}

export interface Sync {
  /** Sends every pending event, oldest first. `force` ("Sync now") skips a backoff wait. */
  run(options?: { force?: boolean }): Promise<SyncReport>;
}

const LOCK_NAME = 'activity-logger-sync';

type Stop = Extract<PostOutcome, { kind: 'unauthorized' | 'failed' }>;

/**
 * Delivery of the log to the endpoint (docs/design.md §5): at least once from here, with the
 * event's stable id, so the server's first-wins dedup counts each event exactly once.
 * An event is marked sent only after a 2xx for a request that carried it.
 */
export function createSync(deps: SyncDeps): Sync {
  const { log, fetch, loadConfig, loadStatus, saveStatus, clock = Date.now, random = Math.random } = deps;
  let inFlight: Promise<SyncReport> | null = null;

  async function drain(force: boolean): Promise<SyncReport> {
    const [config, status] = await Promise.all([loadConfig(), loadStatus()]);
    const report: SyncReport = { outcome: 'done', sent: 0, rejected: 0, requests: 0, status };
    if (!config.enabled || config.endpointUrl === '') return { ...report, outcome: 'disabled' };
    if (!force && status.state === 'auth-error') return { ...report, outcome: 'auth-error' };
    if (!force && status.nextAttemptAt !== null && status.nextAttemptAt > clock()) {
      return { ...report, outcome: 'waiting' };
    }

    const reject = async (rejections: Rejection[]) => {
      await log.markRejected(rejections);
      report.rejected += rejections.length;
    };

    /** Sends `events`; a refused batch is halved until each refused event stands alone. */
    async function deliver(events: RecordedEvent[]): Promise<Stop | null> {
      report.requests++;
      const outcome = await postBatch({ fetch, endpointUrl: config.endpointUrl, token: config.token, events, now: clock(), timeoutMs: deps.timeoutMs });
      switch (outcome.kind) {
        case 'accepted':
          await log.markSent(events.map((event) => event.id));
          report.sent += events.length;
          return null;
        case 'refused': {
          if (events.length === 1) {
            await reject([{ id: events[0]!.id, message: outcome.message }]);
            return null;
          }
          const middle = Math.ceil(events.length / 2);
          return (await deliver(events.slice(0, middle))) ?? (await deliver(events.slice(middle)));
        }
        default:
          return outcome;
      }
    }

    for (;;) {
      const pending = await log.takePending(config.limits.maxEvents);
      if (pending.length === 0) break;
      // Never send what the wire format does not allow (docs/design.md §2).
      const invalid: Rejection[] = [];
      const valid: RecordedEvent[] = [];
      for (const { event } of pending) {
        try {
          valid.push(validateRecordedEvent(event));
        } catch (error) {
          if (!(error instanceof InvalidEventError)) throw error;
          invalid.push({ id: event.id, message: `not sent: ${error.message}` });
        }
      }
      if (invalid.length > 0) await reject(invalid);
      if (valid.length === 0) continue;

      const stop = await deliver(fitBatch(valid, config.limits));
      if (stop) return finish(report, stop);
    }
    report.status = { state: 'idle', lastSuccessAt: clock(), lastError: null, failures: 0, nextAttemptAt: null };
    await saveStatus(report.status);
    return report;
  }

  async function finish(report: SyncReport, stop: Stop): Promise<SyncReport> {
    const now = clock();
    if (stop.kind === 'unauthorized') {
      report.status = { ...report.status, state: 'auth-error', lastError: stop.message, nextAttemptAt: null };
      report.outcome = 'auth-error';
    } else {
      const failures = report.status.failures + 1;
      const delay = stop.retryAfterMs ?? retryDelayMs(failures, random);
      report.status = { ...report.status, state: 'backoff', lastError: stop.message, failures, nextAttemptAt: now + delay };
      report.outcome = 'failed';
    }
    await saveStatus(report.status);
    return report;
  }

  async function runExclusive(force: boolean): Promise<SyncReport> {
    if (!deps.locks) return drain(force);
    return deps.locks.request(LOCK_NAME, { ifAvailable: true }, async (lock) => {
      if (lock === null) return { outcome: 'busy', sent: 0, rejected: 0, requests: 0, status: await loadStatus() };
      return drain(force);
    });
  }

  // A request that comes while a sync runs gets a run of its own once that one ends, with the
  // settings and events of then (the running one may have read older settings); requests
  // meanwhile share it, and it is forced if any of them was.
  let next: Promise<SyncReport> | null = null;
  let nextForced = false;

  function start(force: boolean): Promise<SyncReport> {
    inFlight = runExclusive(force).finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  return {
    run({ force = false } = {}) {
      if (!inFlight) return start(force);
      nextForced ||= force;
      next ??= inFlight
        .catch(() => undefined)
        .then(() => {
          const forced = nextForced;
          next = null;
          nextForced = false;
          return start(forced);
        });
      return next;
    },
  };
}
