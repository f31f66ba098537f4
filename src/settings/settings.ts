import { z } from 'zod';
import { SearchRuleSchema } from '../privacy/search-engines';

/** docs/design.md §5: https anywhere, plain http only to this machine. */
export function endpointProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Enter a full URL, such as https://glean.example.com/rest/api/v1/activity';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return null;
  if (url.protocol === 'http:') return 'Use https:// (plain http:// is only allowed to localhost, 127.0.0.1 or [::1])';
  return `The endpoint must be an https:// URL, not ${url.protocol}`;
}

export const EndpointUrlSchema = z
  .string()
  .trim()
  .refine((value) => value === '' || endpointProblem(value) === null, {
    error: (issue) => endpointProblem(String(issue.input)) ?? 'invalid endpoint',
  });

/**
 * The user's settings, stored in `storage.local` under `settings` (never `storage.sync`).
 * Every field has a default, so an empty or older object parses into a complete one.
 */
export const SettingsSchema = z.object({
  version: z.literal(1).default(1),
  /** Seconds without input before the user counts as idle (the `idle` API's minimum is 15). */
  idleThresholdSeconds: z.int().min(15).max(3600).default(60),
  logPrivateWindows: z.boolean().default(false),
  searchRules: z.array(SearchRuleSchema).default([]),
  /** Where events are sent; empty: nowhere (the log is useful on its own). */
  endpointUrl: EndpointUrlSchema.default(''),
  syncEnabled: z.boolean().default(true),
  syncIntervalMinutes: z.int().min(1).max(1440).default(5),
  batchMaxEvents: z.int().min(1).max(1000).default(100),
  batchMaxBytes: z.int().min(1024).max(10 * 1024 * 1024).default(512 * 1024),
  /**
   * Host patterns (docs/design.md §6): `example.com`, `*.example.com` (the domain and its
   * subdomains), or match-pattern style `*://intranet/*`. When the allow list is not empty
   * only matching hosts are logged; the deny list always wins.
   */
  allowList: z.array(z.string().trim().min(1)).default([]),
  denyList: z.array(z.string().trim().min(1)).default([]),
  /** Record URLs without their query string (a SEARCH keeps its query parameter). */
  stripAllQueryStrings: z.boolean().default(false),
  /** Query parameters removed on top of the built-in secret list, compared case-insensitively. */
  extraSecretParams: z.array(z.string().trim().min(1)).default([]),
  /**
   * Keep campaign and click ids (`utm_*`, `fbclid`, … : `TRACKING_QUERY_PARAMS`) in recorded
   * URLs; off by default, so they are removed like the secret parameters.
   */
  keepTrackingParams: z.boolean().default(false),
  /** A view goes on through idle while its tab plays sound (a video, a talk, a call). */
  countAudibleTime: z.boolean().default(true),
  /** `file:` pages are never logged unless this is on (docs/design.md §3). */
  logFileUrls: z.boolean().default(false),
  /** Sent events older than this are removed from the log (docs/design.md §4). */
  keepSentDays: z.int().min(1).max(3650).default(30),
  maxRecords: z.int().min(1000).max(1_000_000).default(100_000),
  /**
   * Days of the daily summary kept (time per site and page, searches): it outlives the
   * events, which retention removes far sooner (docs/design.md §4).
   */
  keepSummaryDays: z.int().min(1).max(3650).default(400),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});

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
