import * as z from 'zod/mini';
import { flag, integer, nonEmpty } from '../model/schema-checks';
import { SearchRuleSchema } from '../privacy/search-engines';

/** This machine: the only hosts sync may reach over plain http (docs/design.md §5). */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** Why an endpoint is refused; the options page says it in the user's language. */
export type EndpointProblem = 'notUrl' | 'plainHttp' | 'scheme';

/** docs/design.md §5: https anywhere, plain http only to this machine. */
export function endpointProblem(value: string): EndpointProblem | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'notUrl';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') return LOOPBACK_HOSTS.includes(url.hostname) ? null : 'plainHttp';
  return 'scheme';
}

export const EndpointUrlSchema = z.string().check(
  z.trim(),
  z.refine((value) => value === '' || endpointProblem(value) === null, {
    error: (issue) => `endpoint: ${endpointProblem(String(issue.input))}`,
  }),
);

/**
 * The user's settings, stored in `storage.local` under `settings` (never `storage.sync`).
 * Every field has a default, so an empty or older object parses into a complete one.
 */
export const SettingsSchema = z.object({
  version: z._default(z.literal(1), 1),
  /** Seconds without input before the user counts as idle (the `idle` API's minimum is 15). */
  idleThresholdSeconds: z._default(integer(15, 3600), 60),
  logPrivateWindows: z._default(flag(), false),
  searchRules: z._default(z.array(SearchRuleSchema), []),
  /** Where events are sent; empty: nowhere (the log is useful on its own). */
  endpointUrl: z._default(EndpointUrlSchema, ''),
  syncEnabled: z._default(flag(), true),
  syncIntervalMinutes: z._default(integer(1, 1440), 5),
  batchMaxEvents: z._default(integer(1, 1000), 100),
  batchMaxBytes: z._default(integer(1024, 10 * 1024 * 1024), 512 * 1024),
  /**
   * Host patterns (docs/design.md §6): `example.com`, `*.example.com` (the domain and its
   * subdomains), or match-pattern style `*://intranet/*`. When the allow list is not empty
   * only matching hosts are logged; the deny list always wins.
   */
  allowList: z._default(z.array(z.string().check(z.trim(), nonEmpty())), []),
  denyList: z._default(z.array(z.string().check(z.trim(), nonEmpty())), []),
  /** Record URLs without their query string (a SEARCH keeps its query parameter). */
  stripAllQueryStrings: z._default(flag(), false),
  /** Query parameters removed on top of the built-in secret list, compared case-insensitively. */
  extraSecretParams: z._default(z.array(z.string().check(z.trim(), nonEmpty())), []),
  /**
   * Keep campaign and click ids (`utm_*`, `fbclid`, … : `TRACKING_QUERY_PARAMS`) in recorded
   * URLs; off by default, so they are removed like the secret parameters.
   */
  keepTrackingParams: z._default(flag(), false),
  /** A view goes on through idle while its tab plays sound (a video, a talk, a call). */
  countAudibleTime: z._default(flag(), true),
  /** `file:` pages are never logged unless this is on (docs/design.md §3). */
  logFileUrls: z._default(flag(), false),
  /** Sent events older than this are removed from the log (docs/design.md §4). */
  keepSentDays: z._default(integer(1, 3650), 30),
  maxRecords: z._default(integer(1000, 1_000_000), 100_000),
  /**
   * Days of the daily summary kept (time per site and page, searches): it outlives the
   * events, which retention removes far sooner (docs/design.md §4).
   */
  keepSummaryDays: z._default(integer(1, 3650), 400),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});

/** Whether sync has somewhere to send to (docs/design.md §5): on, with an endpoint. */
export function syncConfigured({ syncEnabled, endpointUrl }: Pick<Settings, 'syncEnabled' | 'endpointUrl'>): boolean {
  return syncEnabled && endpointUrl !== '';
}

/** Reads stored settings; anything unreadable falls back to the defaults, field by field. */
export function parseStoredSettings(stored: unknown): Settings {
  const result = SettingsSchema.safeParse(stored ?? {});
  if (result.success) return result.data;
  const fields = typeof stored === 'object' && stored !== null ? stored : {};
  const kept = Object.fromEntries(
    Object.entries(fields).filter(([key, value]) => {
      const field = SettingsSchema.shape[key as keyof Settings];
      return field !== undefined && field.safeParse(value).success;
    }),
  );
  return SettingsSchema.parse(kept);
}
