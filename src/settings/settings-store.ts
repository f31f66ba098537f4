import type Browser from 'webextension-polyfill';
import { getItems, type StoredArea } from '../platform/stored-item';
import { applyManagedPolicy, readManagedPolicy, type ManagedPolicy } from './managed-settings';
import type { Settings } from './settings';
import { API_TOKEN, API_TOKEN_ORIGIN, SETTINGS } from './stored-items';

type ManagedArea = Pick<Browser.Storage.StorageArea, 'get'>;

/**
 * The settings in force: the user's from `storage.local`, with whatever an administrator
 * locked through `storage.managed` (docs/design.md §8) on top. Most code reads them through
 * the `SettingsReader`, which reads the policy once.
 */
export async function readSettings(local: StoredArea, managed: ManagedArea | undefined): Promise<Settings> {
  const [stored, policy] = await Promise.all([SETTINGS.get({ local }), readManagedPolicy(managed)]);
  return applyManagedPolicy(stored, policy);
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
export async function readSavedToken(local: StoredArea): Promise<SavedToken | null> {
  // One read: a Save writes the token and its origin together.
  const [token, origin, settings] = await getItems({ local }, [API_TOKEN, API_TOKEN_ORIGIN, SETTINGS]);
  if (token === '') return null;
  if (origin !== undefined) return { token, origin: origin === '' ? null : origin };
  return { token, origin: originOf(settings.endpointUrl) };
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
