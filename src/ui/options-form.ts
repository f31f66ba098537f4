import { endpointProblem, type Settings } from '../settings/settings';

/** What the user typed in the options form, as text, before anything is saved. */
export interface OptionsInput {
  endpointUrl: string;
  /** Empty: keep the token already saved (it is never shown again, design.md §5). */
  apiToken: string;
  syncEnabled: boolean;
}

export type OptionsField = keyof OptionsInput;

export type OptionsValidation =
  | { ok: true; settings: Pick<Settings, 'endpointUrl' | 'syncEnabled'>; token: string | null }
  | { ok: false; errors: Partial<Record<OptionsField, string>> };

/** Checks the form; on any problem nothing may be saved, and each message names its field. */
export function validateOptions(input: OptionsInput): OptionsValidation {
  const errors: Partial<Record<OptionsField, string>> = {};
  const endpointUrl = input.endpointUrl.trim();
  if (endpointUrl !== '') {
    const problem = endpointProblem(endpointUrl);
    if (problem) errors.endpointUrl = problem;
  }
  const token = input.apiToken.trim();
  if (/\s/.test(token)) errors.apiToken = 'A token has no spaces or line breaks';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, settings: { endpointUrl, syncEnabled: input.syncEnabled }, token: token === '' ? null : token };
}
