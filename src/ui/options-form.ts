import type { IntegerBounds } from '../model/schema-checks';
import { hostPatternProblem } from '../privacy/host-filter';
import { endpointProblem, LOOPBACK_HOSTS, SettingsSchema, type Settings } from '../settings/settings';
import type { Translate } from './i18n';

/** What the user typed in the options form, as text, before anything is saved (docs/design.md §8). */
export interface OptionsInput {
  endpointUrl: string;
  /** Empty: keep the token already saved (it is never shown again, docs/design.md §5). */
  apiToken: string;
  syncEnabled: boolean;
  syncIntervalMinutes: string;
  idleThresholdSeconds: string;
  /** One host pattern per line. */
  allowList: string;
  denyList: string;
  stripAllQueryStrings: boolean;
  keepTrackingParams: boolean;
  countAudibleTime: boolean;
  logPrivateWindows: boolean;
  keepSentDays: string;
  keepSummaryDays: string;
}

export type OptionsField = keyof OptionsInput;
export const OPTIONS_FIELDS = [
  'endpointUrl',
  'apiToken',
  'syncEnabled',
  'syncIntervalMinutes',
  'idleThresholdSeconds',
  'allowList',
  'denyList',
  'stripAllQueryStrings',
  'keepTrackingParams',
  'countAudibleTime',
  'logPrivateWindows',
  'keepSentDays',
  'keepSummaryDays',
] as const satisfies readonly OptionsField[];

/** The settings the options page edits; the rest of `Settings` is kept as stored. */
export type EditableSettings = Pick<Settings, Exclude<OptionsField, 'apiToken'>>;

export type OptionsValidation =
  | { ok: true; settings: EditableSettings; token: string | null }
  | { ok: false; errors: Partial<Record<OptionsField, string>> };

/** The endpoint rule of the settings (docs/design.md §5), as a message for the field. */
export function endpointMessage(value: string, t: Translate): string | null {
  switch (endpointProblem(value)) {
    case null:
      return null;
    case 'notUrl':
      return t('errorEndpointNotUrl');
    case 'plainHttp':
      return t('errorEndpointHttp');
    case 'scheme':
      return t('errorEndpointScheme', new URL(value).protocol);
  }
}

/** An endpoint the browser must grant host access to (not loopback). */
export function needsHostPermission(endpointUrl: string): boolean {
  if (endpointUrl === '' || !URL.canParse(endpointUrl)) return false;
  return !LOOPBACK_HOSTS.includes(new URL(endpointUrl).hostname);
}

/** The match pattern for the endpoint's origin, e.g. `https://glean.example.com/*`. */
export function originPattern(endpointUrl: string): string {
  const { protocol, hostname } = new URL(endpointUrl);
  // Match patterns carry no port: a pattern for the host covers every port.
  return `${protocol}//${hostname}/*`;
}

/**
 * `example.com`, `*.example.com`, `intranet:8080`, or match-pattern style `*://intranet/*`:
 * exactly what the host filter understands (docs/design.md §6), so a saved list always applies.
 */
export function isHostPattern(pattern: string): boolean {
  return pattern.trim() !== '' && hostPatternProblem(pattern) === null;
}

/** The lines of a list box: trimmed, lower-cased, without blanks. */
export function parseHostList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line !== '');
}

type WholeNumberField = 'syncIntervalMinutes' | 'idleThresholdSeconds' | 'keepSentDays' | 'keepSummaryDays';

function numberBounds(field: WholeNumberField): IntegerBounds {
  // The bounds live in the schema (one source of truth): what its `integer(min, max)` keeps.
  const [check] = SettingsSchema.shape[field]._zod.def.innerType._zod.def.checks ?? [];
  return (check?._zod.def as { params?: IntegerBounds } | undefined)?.params ?? { min: 0, max: Number.MAX_SAFE_INTEGER };
}

/** Checks the form; on any problem nothing may be saved, and each message names its field. */
export function validateOptions(input: OptionsInput, t: Translate): OptionsValidation {
  const errors: Partial<Record<OptionsField, string>> = {};

  const endpointUrl = input.endpointUrl.trim();
  if (endpointUrl !== '') {
    const problem = endpointMessage(endpointUrl, t);
    if (problem) errors.endpointUrl = problem;
  }
  const token = input.apiToken.trim();
  if (/\s/.test(token)) errors.apiToken = t('errorTokenSpaces');

  const whole = (field: WholeNumberField): number => {
    const { min, max } = numberBounds(field);
    const text = input[field].trim();
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) {
      errors[field] = t('errorWholeNumber', min, max);
    }
    return value;
  };
  const syncIntervalMinutes = whole('syncIntervalMinutes');
  const idleThresholdSeconds = whole('idleThresholdSeconds');
  const keepSentDays = whole('keepSentDays');
  const keepSummaryDays = whole('keepSummaryDays');

  const list = (field: 'allowList' | 'denyList'): string[] => {
    const lines = parseHostList(input[field]);
    const bad = lines.findIndex((line) => !isHostPattern(line));
    if (bad >= 0) errors[field] = t('errorHostPattern', lines[bad]!);
    return lines;
  };
  const allowList = list('allowList');
  const denyList = list('denyList');

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      endpointUrl,
      syncEnabled: input.syncEnabled,
      syncIntervalMinutes,
      idleThresholdSeconds,
      allowList,
      denyList,
      stripAllQueryStrings: input.stripAllQueryStrings,
      keepTrackingParams: input.keepTrackingParams,
      countAudibleTime: input.countAudibleTime,
      logPrivateWindows: input.logPrivateWindows,
      keepSentDays,
      keepSummaryDays,
    },
    token: token === '' ? null : token,
  };
}

/** The form's text for stored settings (the inverse of `validateOptions`). */
export function toOptionsInput(settings: Settings): Omit<OptionsInput, 'apiToken'> {
  return {
    endpointUrl: settings.endpointUrl,
    syncEnabled: settings.syncEnabled,
    syncIntervalMinutes: String(settings.syncIntervalMinutes),
    idleThresholdSeconds: String(settings.idleThresholdSeconds),
    allowList: settings.allowList.join('\n'),
    denyList: settings.denyList.join('\n'),
    stripAllQueryStrings: settings.stripAllQueryStrings,
    keepTrackingParams: settings.keepTrackingParams,
    countAudibleTime: settings.countAudibleTime,
    logPrivateWindows: settings.logPrivateWindows,
    keepSentDays: String(settings.keepSentDays),
    keepSummaryDays: String(settings.keepSummaryDays),
  };
}
