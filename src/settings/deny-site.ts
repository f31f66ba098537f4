import { patchItem, type StoredArea } from '../platform/stored-item';
import { hostPatternProblem, isHostAllowed } from '../privacy/host-filter';
import type { ManagedPolicy } from './managed-settings';
import { SETTINGS } from './stored-items';

/** What "Deny site" did: the site is now on the deny list, was already denied, or cannot be. */
export type DenyOutcome = 'denied' | 'already' | 'locked' | 'invalid';

/**
 * "Deny site" on the Insights page (docs/design.md §7a): adds the host, exactly, to the user's
 * deny list in `storage.local`, the same field the options page edits (§6), so capture stops
 * recording it at once (§3: the deny list stops the view in front). What was recorded stays;
 * "Delete site" removes it. A deny list an administrator locked is not changed ('locked').
 */
export async function denySite(
  local: StoredArea,
  policy: Pick<ManagedPolicy, 'locked' | 'settings'>,
  host: string,
): Promise<DenyOutcome> {
  if (host === '' || hostPatternProblem(host) !== null) return 'invalid';
  const own = (await SETTINGS.get({ local })).denyList;
  const inForce = policy.locked.has('denyList') ? (policy.settings.denyList ?? []) : own;
  if (!isHostAllowed(`https://${host}/`, { allowList: [], denyList: inForce })) return 'already';
  if (policy.locked.has('denyList')) return 'locked';
  await patchItem({ local }, SETTINGS, { denyList: [...own, host] });
  return 'denied';
}
