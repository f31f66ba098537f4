import type Browser from 'webextension-polyfill';
import { parseStoredSettings, type Settings } from './settings';

/** Settings live in storage.local, never storage.sync: they hold the endpoint (design.md §5). */
export const SETTINGS_KEY = 'settings';
/** The API token, apart from the settings so that pages never need to read it back. */
export const TOKEN_KEY = 'apiToken';

type LocalArea = Pick<Browser.Storage.StorageArea, 'get'>;

export async function readSettings(local: LocalArea): Promise<Settings> {
  const { [SETTINGS_KEY]: stored } = await local.get(SETTINGS_KEY);
  return parseStoredSettings(stored);
}

export async function readToken(local: LocalArea): Promise<string> {
  const { [TOKEN_KEY]: token } = await local.get(TOKEN_KEY);
  return typeof token === 'string' ? token : '';
}
