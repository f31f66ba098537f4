import type Browser from 'webextension-polyfill';
import { SettingsSchema, type Settings } from './settings';
import { MANAGED_POLICY } from './stored-items';

/**
 * Settings an administrator presets and locks through managed storage (docs/design.md §8): the
 * browser's enterprise policy for this extension, `storage.managed`, described to Chrome by
 * `public/managed_schema.json`. A field present there is the value in force and the user
 * cannot change it. docs/enterprise.md shows how to deploy it.
 */

/** Every setting can be locked, and the API token too (it is not part of `Settings`). */
export type LockableField = Exclude<keyof Settings, 'version'> | 'apiToken';


export interface ManagedPolicy {
  /** The locked settings' values. */
  settings: Partial<Settings>;
  /**
   * The locked API token, when the policy sets one together with the endpoint: a policy token
   * goes only to the policy's endpoint (docs/design.md §8).
   */
  apiToken?: string;
  /** The policy sets a token but no endpoint: the token is not used (the options page says why). */
  tokenWithoutEndpoint?: true;
  /** Fields whose value comes from the policy. */
  locked: ReadonlySet<LockableField>;
  /** Policy keys that are unknown or hold a value the settings would refuse: not applied. */
  ignored: string[];
}

/**
 * Validates the policy as read from `storage.managed` (`MANAGED_POLICY`). No policy is the
 * normal case and never an error: Firefox rejects the read when no `policies.json` names the
 * add-on, Chrome answers `{}`, and a browser without the API has no area at all — all `{}`.
 */
export async function readManagedPolicy(managed: Pick<Browser.Storage.StorageArea, 'get'> | undefined): Promise<ManagedPolicy> {
  return parseManagedPolicy(await MANAGED_POLICY.read({ managed }));
}

/** The policy in a record read from `storage.managed`: see `readManagedPolicy`. */
export function parseManagedPolicy(stored: Record<string, unknown>): ManagedPolicy {

  const settings: Record<string, unknown> = {};
  const locked = new Set<LockableField>();
  const ignored: string[] = [];
  let apiToken: string | undefined;
  for (const [key, value] of Object.entries(stored)) {
    if (key === 'apiToken') {
      if (typeof value === 'string') {
        apiToken = value.trim();
        locked.add('apiToken');
      } else ignored.push(key);
      continue;
    }
    const field = key === 'version' ? undefined : SettingsSchema.shape[key as keyof Settings];
    const parsed = field?.safeParse(value);
    if (!parsed?.success) {
      ignored.push(key);
      continue;
    }
    settings[key] = parsed.data;
    locked.add(key as LockableField);
  }
  if (apiToken !== undefined && settings.endpointUrl === undefined) {
    // A token with no endpoint of the policy's would go wherever the user points sync.
    locked.delete('apiToken');
    return { settings: settings as Partial<Settings>, tokenWithoutEndpoint: true, locked, ignored };
  }
  return { settings: settings as Partial<Settings>, ...(apiToken !== undefined && { apiToken }), locked, ignored };
}

/** The settings in force: the user's, with every locked field replaced by the policy's value. */
export function applyManagedPolicy(user: Settings, policy: ManagedPolicy): Settings {
  return { ...user, ...policy.settings };
}
