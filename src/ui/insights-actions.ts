import type { StoredArea } from '../platform/stored-item';
import type { Request } from '../messaging/protocol';
import { isHostAllowed } from '../privacy/host-filter';
import { denySite } from '../settings/deny-site';
import type { SettingsReader } from '../settings/settings-reader';
import type { EventLog } from '../store/event-log';
import type { InsightsActions } from './insights-view';

export interface InsightsActionDeps {
  log: Pick<EventLog, 'deleteSite'>;
  local: StoredArea;
  settings: Pick<SettingsReader, 'settings' | 'policy'>;
  sendMessage: (request: Request) => Promise<unknown>;
}

/**
 * Deny and Delete for the Insights page, as the popup does them (docs/design.md §7, §7a):
 * deleting writes IndexedDB directly (the events and every aggregate of the site, one
 * transaction), then tells the background to recount its badge; denying adds the site to
 * the user's deny list.
 */
export function insightsActions(deps: InsightsActionDeps): InsightsActions {
  return {
    async deleteSite(host) {
      const count = await deps.log.deleteSite(host);
      await deps.sendMessage({ type: 'logChanged' }).catch(() => undefined);
      return count;
    },
    async denySite(host) {
      return denySite(deps.local, await deps.settings.policy(), host);
    },
    async deniedTest() {
      const { denyList } = await deps.settings.settings();
      return (host) => host !== '' && !isHostAllowed(`https://${host}/`, { allowList: [], denyList });
    },
  };
}
