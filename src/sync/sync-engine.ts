import { InvalidEventError, validateRecordedEvent, type RecordedEvent } from '../model/activity-event';
import type { EventLog, Rejection } from '../store/event-log';
import { isWaiting, nextRetryDelayMs } from './backoff';
import { fitBatch, type BatchLimits } from './batch';
import { postBatch, type PostOutcome } from './post-batch';
import type { SyncStatus } from '../settings/stored-items';

export interface SyncConfig {
  enabled: boolean;
  endpointUrl: string;
  token: string;
  limits: BatchLimits;
  /** Which settings these are (`SettingsReader.generation`): a run under older ones saves nothing. */
  generation?: number;
}

/** The part of the Web Locks API sync needs: one holder at a time across the extension. */
export interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable: true }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

export interface SyncDeps {
  log: Pick<EventLog, 'takePending' | 'markSent' | 'markRejected' | 'markFailed'>;
  fetch: typeof fetch;
  loadConfig: () => Promise<SyncConfig>;
  /** The generation of the settings in force now; a run whose config is older stops (docs/design.md §5). */
  settingsGeneration?: () => number;
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
  /** The server refuses every event alike; they stay pending (`status.state` is `refusing`). */
  | 'refusing'
  /** This try failed; `status.nextAttemptAt` says when the next one is. */
  | 'failed'
  /** The settings changed while this run sent: it stopped and saved nothing, the next run uses them. */
  | 'superseded';

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

/**
 * A batch whose events were in this many failed requests (5xx, timeout, network) is suspected
 * of causing the failure itself: if the server answers an empty batch, the batch is split to
 * find the events it fails on (docs/design.md §5).
 */
export const SUSPECT_AFTER_ATTEMPTS = 3;
/** This many single events refused in a row alike: the server refuses everything (docs/design.md §5). */
export const UNIFORM_SINGLE_REFUSALS = 10;
/** A batch this large refused alike with both its halves: the server refuses everything. */
export const UNIFORM_BATCH_MIN_EVENTS = 4;

type Refusal = Extract<PostOutcome, { kind: 'refused' }>;
type Stop =
  | Extract<PostOutcome, { kind: 'unauthorized' | 'failed' }>
  | { kind: 'refusing'; message: string }
  | { kind: 'superseded' };

const refusalKey = (refusal: Refusal) => `${refusal.status} ${refusal.message}`;

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
    if (!force && (status.state === 'auth-error' || status.state === 'refusing')) return { ...report, outcome: status.state };
    if (!force && isWaiting(status.nextAttemptAt, clock())) return { ...report, outcome: 'waiting' };

    /** The settings changed since `config` was read: nothing learnt with it may be saved. */
    const superseded = () =>
      deps.settingsGeneration !== undefined && config.generation !== undefined && deps.settingsGeneration() !== config.generation;
    /** Failed requests per pending event, as the log counts them (`attempts`). */
    const attempts = new Map<string, number>();
    /** Single events refused alike in a row, not yet rejected: they may be a refusal of everything. */
    const refusals: { streak: { key: string; ids: string[]; message: string } | null } = { streak: null };

    const reject = async (rejections: Rejection[]) => {
      if (rejections.length === 0) return;
      report.rejected += await log.markRejected(rejections);
    };
    const endStreak = async () => {
      const ended = refusals.streak;
      refusals.streak = null;
      if (ended) await reject(ended.ids.map((id) => ({ id, message: ended.message })));
    };

    async function post(events: readonly RecordedEvent[]): Promise<PostOutcome | { kind: 'superseded' }> {
      report.requests++;
      const outcome = await postBatch({ fetch, endpointUrl: config.endpointUrl, token: config.token, events, now: clock(), timeoutMs: deps.timeoutMs });
      // A 2xx delivered the events, whatever changed meanwhile.
      if (outcome.kind !== 'accepted' && superseded()) return { kind: 'superseded' };
      return outcome;
    }

    /** Sends `events` and acts on the answer. */
    async function deliver(events: RecordedEvent[]): Promise<Stop | null> {
      return handle(events, await post(events));
    }

    async function handle(events: RecordedEvent[], outcome: PostOutcome | { kind: 'superseded' }): Promise<Stop | null> {
      switch (outcome.kind) {
        case 'accepted':
          // What the log changed: a record deleted meanwhile was not sent by this run.
          report.sent += await log.markSent(events.map((event) => event.id));
          await endStreak();
          return superseded() ? { kind: 'superseded' } : null;
        case 'refused':
          return refused(events, outcome);
        case 'failed':
          return failed(events, outcome);
        default:
          return outcome;
      }
    }

    /**
     * A refused batch is halved until the refused events stand alone, and those are rejected —
     * unless the refusal is uniform (the batch and both halves alike, or many single events in
     * a row): then the server refuses everything, and nothing is rejected.
     */
    async function refused(events: RecordedEvent[], refusal: Refusal): Promise<Stop | null> {
      const key = refusalKey(refusal);
      if (events.length === 1) {
        if (refusals.streak?.key !== key) {
          await endStreak();
          refusals.streak = { key, ids: [], message: refusal.message };
        }
        const { streak } = refusals;
        streak!.ids.push(events[0]!.id);
        if (streak!.ids.length >= UNIFORM_SINGLE_REFUSALS) return { kind: 'refusing', message: refusal.message };
        return null;
      }
      const middle = Math.ceil(events.length / 2);
      const [first, second] = [events.slice(0, middle), events.slice(middle)];
      const firstOutcome = await post(first);
      if (events.length >= UNIFORM_BATCH_MIN_EVENTS && firstOutcome.kind === 'refused' && refusalKey(firstOutcome) === key) {
        const secondOutcome = await post(second);
        if (secondOutcome.kind === 'refused' && refusalKey(secondOutcome) === key) return { kind: 'refusing', message: refusal.message };
        return (await handle(first, firstOutcome)) ?? (await handle(second, secondOutcome));
      }
      return (await handle(first, firstOutcome)) ?? (await deliver(second));
    }

    /**
     * A batch that failed again and again while the server still answers (an empty batch is
     * accepted) fails because of what it carries: it is halved to find the events the server
     * fails on, and those are rejected with the reason. A server that is down rejects nothing.
     */
    async function failed(events: RecordedEvent[], failure: Extract<PostOutcome, { kind: 'failed' }>): Promise<Stop | null> {
      const ids = events.map((event) => event.id);
      await log.markFailed(ids, failure.message);
      for (const id of ids) attempts.set(id, (attempts.get(id) ?? 0) + 1);
      const fewest = Math.min(...ids.map((id) => attempts.get(id) ?? 0));
      if (fewest < SUSPECT_AFTER_ATTEMPTS) return failure;
      const probe = await post([]);
      if (probe.kind === 'superseded') return probe;
      if (probe.kind !== 'accepted') return failure;
      if (events.length === 1) {
        await endStreak();
        await reject([{ id: ids[0]!, message: `${failure.message} (failed ${fewest} times while the server accepted other requests)` }]);
        return null;
      }
      const middle = Math.ceil(events.length / 2);
      return (await deliver(events.slice(0, middle))) ?? (await deliver(events.slice(middle)));
    }

    for (;;) {
      // Refused events not yet rejected stay pending while the streak lasts; skip them here.
      const waiting = new Set(refusals.streak?.ids ?? []);
      const pending = await log.takePending(config.limits.maxEvents + waiting.size);
      const fresh = pending.filter(({ event }) => !waiting.has(event.id));
      if (fresh.length === 0) break;
      // Never send what the wire format does not allow (docs/design.md §2).
      const invalid: Rejection[] = [];
      const valid: RecordedEvent[] = [];
      for (const { event, attempts: before } of fresh) {
        if (!attempts.has(event.id)) attempts.set(event.id, before);
        try {
          valid.push(validateRecordedEvent(event));
        } catch (error) {
          if (!(error instanceof InvalidEventError)) throw error;
          invalid.push({ id: event.id, message: `not sent: ${error.message}` });
        }
      }
      await reject(invalid);
      if (valid.length === 0) continue;

      const stop = await deliver(fitBatch(valid, config.limits));
      if (stop) return finish(report, stop);
    }
    await endStreak();
    if (superseded()) return finish(report, { kind: 'superseded' });
    report.status = { state: 'idle', lastSuccessAt: clock(), lastError: null, lastProblem: null, failures: 0, nextAttemptAt: null };
    await saveStatus(report.status);
    return report;
  }

  async function finish(report: SyncReport, stop: Stop): Promise<SyncReport> {
    const now = clock();
    switch (stop.kind) {
      case 'superseded':
        // The run that follows the settings change decides what the status is.
        report.outcome = 'superseded';
        report.status = await loadStatus();
        return report;
      case 'unauthorized':
        report.status = { ...report.status, state: 'auth-error', lastError: stop.message, lastProblem: null, nextAttemptAt: null };
        report.outcome = 'auth-error';
        break;
      case 'refusing':
        report.status = { ...report.status, state: 'refusing', lastError: stop.message, lastProblem: null, nextAttemptAt: null };
        report.outcome = 'refusing';
        break;
      case 'failed': {
        const failures = report.status.failures + 1;
        const delay = nextRetryDelayMs(failures, stop.retryAfterMs, random);
        report.status = {
          ...report.status,
          state: 'backoff',
          lastError: stop.message,
          lastProblem: stop.problem ?? null,
          failures,
          nextAttemptAt: now + delay,
        };
        report.outcome = 'failed';
        break;
      }
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
  // meanwhile share it, and it is forced if any of them was. Its report counts what both runs
  // sent: the running one may well send the events the request was made for (the popup's
  // "Retry rejected" makes them pending while a run is reading), and "0 sent" would be wrong.
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
        .then(async (waited) => {
          const forced = nextForced;
          next = null;
          nextForced = false;
          const report = await start(forced);
          if (!waited) return report;
          return { ...report, sent: waited.sent + report.sent, rejected: waited.rejected + report.rejected, requests: waited.requests + report.requests };
        });
      return next;
    },
  };
}
