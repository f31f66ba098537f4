import type Browser from 'webextension-polyfill';
import { ambientManagedArea, applyManagedPolicy, readManagedPolicy } from './managed-settings';
import { parseStoredSettings, type Settings } from './settings';

/** Settings live in storage.local, never storage.sync: they hold the endpoint (docs/design.md §5). */
export const SETTINGS_KEY = 'settings';
/** The API token, apart from the settings so that pages never need to read it back. */
export const TOKEN_KEY = 'apiToken';

type LocalArea = Pick<Browser.Storage.StorageArea, 'get'>;
type ManagedArea = Pick<Browser.Storage.StorageArea, 'get'>;

/**
 * The settings in force: the user's from `storage.local`, with whatever an administrator
 * locked through `storage.managed` (docs/design.md §8) on top. `managed` defaults to the running
 * extension's managed area, so every reader of the settings follows the policy.
 */
export async function readSettings(local: LocalArea, managed: ManagedArea | undefined = ambientManagedArea()): Promise<Settings> {
  const [{ [SETTINGS_KEY]: stored }, policy] = await Promise.all([local.get(SETTINGS_KEY), readManagedPolicy(managed)]);
  return applyManagedPolicy(parseStoredSettings(stored), policy);
}

/** The API token; one set by policy wins over the user's. */
export async function readToken(local: LocalArea, managed: ManagedArea | undefined = ambientManagedArea()): Promise<string> {
  const [{ [TOKEN_KEY]: token }, policy] = await Promise.all([local.get(TOKEN_KEY), readManagedPolicy(managed)]);
  if (policy.apiToken !== undefined) return policy.apiToken;
  return typeof token === 'string' ? token : '';
}
