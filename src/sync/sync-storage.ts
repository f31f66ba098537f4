import type Browser from 'webextension-polyfill';
import { readSettings, readToken } from '../settings/settings-store';
import type { SyncConfig } from './sync-engine';
import { parseSyncStatus, SYNC_STATUS_KEY, type SyncStatus } from './sync-status';

type LocalArea = Pick<Browser.Storage.StorageArea, 'get' | 'set'>;

/** Where the sync engine finds its settings and keeps its status: storage.local. */
export function syncStorage(local: LocalArea) {
  return {
    async loadConfig(): Promise<SyncConfig> {
      const [settings, token] = await Promise.all([readSettings(local), readToken(local)]);
      return {
        enabled: settings.syncEnabled,
        endpointUrl: settings.endpointUrl,
        token,
        limits: { maxEvents: settings.batchMaxEvents, maxBytes: settings.batchMaxBytes },
      };
    },
    async loadStatus(): Promise<SyncStatus> {
      const { [SYNC_STATUS_KEY]: stored } = await local.get(SYNC_STATUS_KEY);
      return parseSyncStatus(stored);
    },
    async saveStatus(status: SyncStatus): Promise<void> {
      await local.set({ [SYNC_STATUS_KEY]: status });
    },
  };
}
