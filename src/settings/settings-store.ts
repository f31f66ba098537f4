import type Browser from 'webextension-polyfill';
import { applyManagedPolicy, readManagedPolicy, type ManagedPolicy } from './managed-settings';
import { parseStoredSettings, type Settings } from './settings';

/** Settings live in storage.local, never storage.sync: they hold the endpoint (docs/design.md §5). */
export const SETTINGS_KEY = 'settings';
/** The API token, apart from the settings so that pages never need to read it back. */
export const TOKEN_KEY = 'apiToken';
/** The origin the token was saved for (docs/design.md §5): it is sent there and nowhere else. */
export const TOKEN_ORIGIN_KEY = 'apiTokenOrigin';

type LocalArea = Pick<Browser.Storage.StorageArea, 'get'>;
type ManagedArea = Pick<Browser.Storage.StorageArea, 'get'>;

/**
 * The settings in force: the user's from `storage.local`, with whatever an administrator
 * locked through `storage.managed` (docs/design.md §8) on top. Most code reads them through
 * the `SettingsReader`, which reads the policy once.
 */
export async function readSettings(local: LocalArea, managed: ManagedArea | undefined): Promise<Settings> {
  const [{ [SETTINGS_KEY]: stored }, policy] = await Promise.all([local.get(SETTINGS_KEY), readManagedPolicy(managed)]);
  return applyManagedPolicy(parseStoredSettings(stored), policy);
}

/** `https://glean.example.com` for an endpoint URL; null for none or an unreadable one. */
export function originOf(url: string): string | null {
  return url !== '' && URL.canParse(url) ? new URL(url).origin : null;
}

/** The user's own token as stored, and the origin it belongs to. */
export interface SavedToken {
  token: string;
  /** Null when it belongs to no endpoint (saved while none was set). */
  origin: string | null;
}

/** The user's saved token, or null. A token saved before origins were kept belongs to the endpoint saved with it. */
export async function readSavedToken(local: LocalArea): Promise<SavedToken | null> {
  const stored = await local.get([TOKEN_KEY, TOKEN_ORIGIN_KEY, SETTINGS_KEY]);
  const token = stored[TOKEN_KEY];
  if (typeof token !== 'string' || token === '') return null;
  const origin = stored[TOKEN_ORIGIN_KEY];
  if (typeof origin === 'string') return { token, origin: origin === '' ? null : origin };
  return { token, origin: originOf(parseStoredSettings(stored[SETTINGS_KEY]).endpointUrl) };
}

/**
 * The token that may go to `endpointUrl` (docs/design.md §5): a policy token only to the
 * policy's endpoint, the user's only to the origin it was saved for; else none.
 */
export function tokenForEndpoint(endpointUrl: string, saved: SavedToken | null, policy: Pick<ManagedPolicy, 'apiToken' | 'settings'>): string {
  const origin = originOf(endpointUrl);
  if (origin === null) return '';
  if (policy.apiToken !== undefined && originOf(policy.settings.endpointUrl ?? '') === origin) return policy.apiToken;
  return saved !== null && saved.origin === origin ? saved.token : '';
}
