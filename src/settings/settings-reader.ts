import type Browser from 'webextension-polyfill';
import { watchItems, type Areas, type StorageEvents, type StoredArea } from '../platform/stored-item';
import { applyManagedPolicy, parseManagedPolicy, type ManagedPolicy } from './managed-settings';
import type { Settings } from './settings';
import { readSavedToken, tokenForEndpoint, type SavedToken } from './settings-store';
import { API_TOKEN, API_TOKEN_ORIGIN, MANAGED_POLICY, POLICY_CACHE, SETTINGS } from './stored-items';

export interface SettingsReaderDeps {
  local: StoredArea;
  /** `storage.managed`; absent where the browser has none. */
  managed?: Pick<Browser.Storage.StorageArea, 'get'>;
  /** `browser.storage`'s `onChanged`: a new policy or new user settings are read from then on. */
  events: StorageEvents;
  onError?: (error: unknown) => void;
}

/** The settings and the token sync sends with, and which generation of the settings they are. */
export interface SyncSettings {
  settings: Settings;
  token: string;
  generation: number;
}

/**
 * The one reader of the settings in force (docs/design.md §8): the user's settings and token
 * from `storage.local`, with the administrator's policy on top. Built once per context (the
 * worker, the popup, the options page) and handed to whatever needs the settings.
 */
export interface SettingsReader {
  settings(): Promise<Settings>;
  /**
   * The settings with the policy as known now: at the very first start, before the first
   * `storage.managed` read answers, none (`onChange` tells when it comes). Never waits for
   * that read: capture's start cannot stall behind it (docs/design.md §3).
   */
  settingsNow(): Promise<Settings>;
  /** The token that may go to `endpointUrl`: see `tokenForEndpoint`. */
  tokenFor(endpointUrl: string): Promise<string>;
  sync(): Promise<SyncSettings>;
  policy(): Promise<ManagedPolicy>;
  /** The user's own saved token and its origin (the options page says whether there is one). */
  savedToken(): Promise<SavedToken | null>;
  /** Goes up at every change of the settings in force: user settings, token, or policy. */
  generation(): number;
  /** Called after every such change, once `generation()` says so. */
  onChange(listener: () => void): void;
}

/**
 * Chromium answers the first `storage.managed` read after a browser start 1–3 s late: the
 * policy is read once per reader, off the path of every settings read. Until it answers, the
 * policy last seen (kept in storage.local) is in force; only where none was ever seen (the
 * first start) do reads wait for it. A change of the policy (`storage.onChanged`, area
 * `managed`) is read again.
 */
export function createSettingsReader(deps: SettingsReaderDeps): SettingsReader {
  const { local, managed, onError = console.error } = deps;
  let generation = 0;
  const listeners: (() => void)[] = [];
  const changed = () => {
    generation++;
    for (const listener of listeners) listener();
  };

  const readLive = () => MANAGED_POLICY.read({ managed });
  const parse = async (raw: Record<string, unknown>) => parseManagedPolicy(raw);
  const cachedRaw = POLICY_CACHE.get({ local }).catch(() => undefined);

  let known: Record<string, unknown> | undefined;
  /** The policy in force; at the very first start it waits for the first read. */
  let policy: Promise<ManagedPolicy>;
  /** The same, but the very first start takes none until the first read answers. */
  let policyNow: Promise<ManagedPolicy>;
  /** Takes a policy read from `storage.managed` as the one in force. */
  async function adopt(raw: Record<string, unknown>, { announced = false } = {}): Promise<void> {
    const before = known ?? (await cachedRaw);
    known = raw;
    policy = policyNow = parse(raw);
    if (JSON.stringify(before) !== JSON.stringify(raw)) await POLICY_CACHE.set({ local }, raw);
    // A change for whoever read without waiting (`settingsNow`): none was in force before the
    // first read at the very first start.
    if (!announced && JSON.stringify(before ?? {}) !== JSON.stringify(raw)) changed();
  }
  const firstLive = readLive();
  policy = cachedRaw.then((cached) => (cached !== undefined ? parse(cached) : firstLive.then(parse)));
  policyNow = cachedRaw.then((cached) => parse(cached ?? {}));
  void firstLive.then(adopt).catch(onError);

  MANAGED_POLICY.watch(deps.events, () => {
    // Told at once, and every read from now on waits for the new policy: whoever reacts to
    // the change (capture's next signal, sync's next run) gets it. Told even if the read
    // finds what was known: a second change may have undone the first.
    const reread = readLive();
    policy = policyNow = reread.then(parse);
    changed();
    void reread.then((raw) => adopt(raw, { announced: true })).catch(onError);
  });
  // One Save writes the settings and the token together: one change.
  watchItems(deps.events, [SETTINGS, API_TOKEN, API_TOKEN_ORIGIN], changed);

  async function settingsWith(inForcePolicy: Promise<ManagedPolicy>): Promise<Settings> {
    const [stored, inForce] = await Promise.all([SETTINGS.get({ local }), inForcePolicy]);
    return applyManagedPolicy(stored, inForce);
  }
  const settings = () => settingsWith(policy);
  async function tokenFor(endpointUrl: string): Promise<string> {
    const [saved, inForce] = await Promise.all([readSavedToken(local), policy]);
    return tokenForEndpoint(endpointUrl, saved, inForce);
  }

  return {
    settings,
    settingsNow: () => settingsWith(policyNow),
    tokenFor,
    async sync() {
      const at = generation;
      const inForce = await settings();
      return { settings: inForce, token: await tokenFor(inForce.endpointUrl), generation: at };
    },
    policy: () => policy,
    savedToken: () => readSavedToken(local),
    generation: () => generation,
    onChange(listener) {
      listeners.push(listener);
    },
  };
}

/** The part of `browser.storage` a reader of the context's own settings uses. */
export type SettingsStorage = Areas<'local'> &
  StorageEvents & {
    managed?: Pick<Browser.Storage.StorageArea, 'get'>;
  };

/** The reader each entrypoint builds once, on its own `browser.storage` (docs/design.md §8). */
export function settingsReaderOf(storage: SettingsStorage, onError?: (error: unknown) => void): SettingsReader {
  return createSettingsReader({
    local: storage.local,
    managed: storage.managed,
    events: storage,
    onError,
  });
}
