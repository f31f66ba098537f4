import type Browser from 'webextension-polyfill';
import type { SettingsReader } from '../settings/settings-reader';
import type { SyncConfig } from './sync-engine';
import { parseSyncStatus, SYNC_STATUS_KEY, type SyncStatus } from './sync-status';

type LocalArea = Pick<Browser.Storage.StorageArea, 'get' | 'set'>;

/** Where the sync engine finds its settings (the settings reader) and keeps its status (storage.local). */
export function syncStorage(local: LocalArea, reader: Pick<SettingsReader, 'sync' | 'generation'>) {
  return {
    async loadConfig(): Promise<SyncConfig> {
      const { settings, token, generation } = await reader.sync();
      return {
        enabled: settings.syncEnabled,
        endpointUrl: settings.endpointUrl,
        token,
        limits: { maxEvents: settings.batchMaxEvents, maxBytes: settings.batchMaxBytes },
        generation,
      };
    },
    settingsGeneration: () => reader.generation(),
    async loadStatus(): Promise<SyncStatus> {
      const { [SYNC_STATUS_KEY]: stored } = await local.get(SYNC_STATUS_KEY);
      return parseSyncStatus(stored);
    },
    async saveStatus(status: SyncStatus): Promise<void> {
      await local.set({ [SYNC_STATUS_KEY]: status });
    },
  };
}
