import * as z from 'zod/mini';
import { flag, integer } from '../model/schema-checks';
import { BacklogSchema, CaptureStateSchema } from '../model/capture-state';
import { storedItem, wholeArea } from '../platform/stored-item';
import { PauseSchema } from './pause';
import { DEFAULT_SETTINGS, parseStoredSettings } from './settings';

/**
 * Everything the extension keeps in `browser.storage`, each item once: its area, key, schema
 * and what it reads as when missing or unreadable (docs/design.md §1 "Stored items"). Read and
 * written only through these (`src/platform/stored-item.ts`). The shapes of values that belong
 * to a higher layer (sync's status, the log's health, the import job) are declared here, so
 * every layer that reads them imports down.
 */

// ---- storage.local ----

/** The user's settings (docs/design.md §8), never in storage.sync: they hold the endpoint (§5). */
export const SETTINGS = /*#__PURE__*/ storedItem({
  area: 'local',
  key: 'settings',
  fallback: DEFAULT_SETTINGS,
  // An unreadable field falls back to its default, the others are kept.
  // Its shape is version 1 (`version` field), never migrated yet: a change of it adds
  // `migrate: migrations(2, { 1: … })` here (`src/platform/stored-item.ts`).
  parse: parseStoredSettings,
});

/** The API token, apart from the settings so that pages never need to read it back; '' for none. */
export const API_TOKEN = /*#__PURE__*/ storedItem({ area: 'local', key: 'apiToken', schema: z.string(), fallback: '' });

/**
 * The origin the token was saved for (docs/design.md §5): it is sent there and nowhere else.
 * '' when it belongs to no endpoint; missing for a token saved before origins were kept.
 */
export const API_TOKEN_ORIGIN = /*#__PURE__*/ storedItem({
  area: 'local',
  key: 'apiTokenOrigin',
  schema: z.optional(z.string()),
  fallback: undefined,
});

/** The administrator's policy as last read, so a new worker need not wait for `storage.managed` (§8). */
export const POLICY_CACHE = /*#__PURE__*/ storedItem({
  area: 'local',
  key: 'managedPolicyCache',
  fallback: undefined,
  // Any object: it is parsed as a policy when it is used (`parseManagedPolicy`).
  parse: (raw): Record<string, unknown> | undefined => (typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : undefined),
});

/** "Pause" from the popup (docs/design.md §6); null: logging. */
export const PAUSE = /*#__PURE__*/ storedItem({ area: 'local', key: 'pause', schema: z.nullable(PauseSchema), fallback: null });

/** Why sync failed when it is something we say in our own words (the status line translates it). */
export const SyncProblemSchema = z.literal([
  /** A 2xx with an HTML body: a catch-all route or a captive portal, not the activity API. */
  'notApi',
]);
export type SyncProblem = z.infer<typeof SyncProblemSchema>;

/** What the popup shows of sync, and what a restarted worker must remember (docs/design.md §5). */
export const SyncStatusSchema = z.object({
  /**
   * `auth-error` stops sync until the settings change (docs/design.md §5); so does `refusing`: the
   * server refuses every event alike (a wrong path behind a proxy, a WAF, a schema change), and
   * the events stay pending rather than all being rejected.
   */
  state: z._default(z.literal(['idle', 'backoff', 'auth-error', 'refusing']), 'idle'),
  lastSuccessAt: z._default(z.nullable(z.number()), null),
  lastError: z._default(z.nullable(z.string()), null),
  /** Set when `lastError` is one of ours, so the popup can say it in the user's language. */
  lastProblem: z._default(z.nullable(SyncProblemSchema), null),
  /** Failed tries in a row; drives the backoff and the badge's `!`. */
  failures: z._default(integer(0), 0),
  nextAttemptAt: z._default(z.nullable(z.number()), null),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

export const SYNC_STATUS = /*#__PURE__*/ storedItem({
  area: 'local',
  key: 'syncStatus',
  schema: SyncStatusSchema,
  fallback: SyncStatusSchema.parse({}),
});

/** An import in progress or finished (docs/design.md §2), so a new worker can resume it. */
export const ImportJobSchema = z.object({
  startTime: z.number(),
  endTime: z.number(),
  state: z.literal(['running', 'cancelled', 'done', 'failed']),
  /** Visits of the period found in the history (known once the history was read). */
  totalVisits: integer(0),
  /** Visits handled so far, recorded or filtered out. */
  doneVisits: integer(0),
  /** Events written to the log (a visit imported before is not written again). */
  written: integer(0),
  /** The last visit handled, in the import's order: a resumed import goes on after it. */
  cursor: z.nullable(z.string()),
  error: z.optional(z.string()),
});
export type ImportJob = z.infer<typeof ImportJobSchema>;

/** The import in progress or last finished (the options page shows it). */
export const IMPORT_JOB = /*#__PURE__*/ storedItem({
  area: 'local',
  key: 'historyImport',
  schema: z.nullable(ImportJobSchema),
  fallback: null,
});

/** The per-install namespace of imported visits' ids (a UUID), made once. */
export const HISTORY_NAMESPACE = /*#__PURE__*/ storedItem({
  area: 'local',
  key: 'historyNamespace',
  schema: z.nullable(z.string()),
  fallback: null,
});

/**
 * When this profile's log was first seen (epoch ms), the same moment as the log's own
 * `counters` record: a log without it while this is kept was discarded (docs/design.md §4).
 */
export const LOG_KEPT_SINCE = /*#__PURE__*/ storedItem({
  area: 'local',
  key: 'logKeptSince',
  schema: z.nullable(z.number()),
  fallback: null,
});

// ---- storage.session (memory: gone when the browser closes) ----

/**
 * Whether capture's writes reach the log (docs/design.md §4). In storage.session: it is held in
 * memory, so it can still be written when the disk refuses everything else.
 */
/**
 * Why capture's writes fail: the browser refused more data (a full disk), the log was written
 * by a newer version, the browser could not write (most likely a full disk too), or anything else.
 */
export const WRITE_FAILURE_CAUSES = ['diskFull', 'newerLog', 'unwritable', 'failed'] as const;

export const LogHealthSchema = z.object({
  /** A write failed and its events wait for a retry. */
  failing: z._default(flag(), false),
  /** Why, as a code the popup words (`writeFailureCause`): the worker carries no sentences. */
  reason: z._default(z.nullable(z.literal(WRITE_FAILURE_CAUSES)), null),
  /** The browser's own words, where the cause alone says too little (`unwritable`, `failed`). */
  detail: z._default(z.nullable(z.string()), null),
  /** Events waiting to be written. */
  waiting: z._default(integer(0), 0),
  /** Writes that failed in this browser session. */
  failedWrites: z._default(integer(0), 0),
  /** When the writes began to fail; null while they succeed. */
  since: z._default(z.nullable(z.number()), null),
  /**
   * The browser discarded the log and made an empty one (`log-discard.ts`): when the lost log
   * was first seen. Null when the log is the one kept. Told for the rest of the browser session.
   */
  discardedSince: z._default(z.nullable(z.number()), null),
});
export type LogHealth = z.infer<typeof LogHealthSchema>;

export const LOG_HEALTH = /*#__PURE__*/ storedItem({
  area: 'session',
  key: 'logHealth',
  schema: LogHealthSchema,
  fallback: LogHealthSchema.parse({}),
});

/** The capture machine's state, so a restarted worker resumes mid-view (docs/design.md §3). */
export const CAPTURE_STATE = /*#__PURE__*/ storedItem({
  area: 'session',
  key: 'captureState',
  schema: z.nullable(CaptureStateSchema),
  fallback: null,
});

/** Capture's events a failed write left, written before any state that follows from them (§3). */
export const CAPTURE_BACKLOG = /*#__PURE__*/ storedItem({
  area: 'session',
  key: 'captureBacklog',
  schema: z.nullable(BacklogSchema),
  fallback: null,
});

/**
 * When the first worker of this browser session started. Written before that worker records
 * anything, so a later worker that finds no saved state knows it follows a worker stopped
 * early, not a new browser session (which would make a second view of the visit in front).
 */
export const CAPTURE_SESSION = /*#__PURE__*/ storedItem({
  area: 'session',
  key: 'captureSession',
  schema: z.nullable(z.number()),
  fallback: null,
});

/** Set by the first worker of a browser session, which syncs what an earlier one left (§5). */
export const SYNC_SESSION_STARTED = /*#__PURE__*/ storedItem({
  area: 'session',
  key: 'syncSessionStarted',
  schema: flag(),
  fallback: false,
});

// ---- storage.managed ----

/** The administrator's policy (docs/design.md §8): all of `storage.managed`, read only. */
export const MANAGED_POLICY = /*#__PURE__*/ wholeArea('managed');
