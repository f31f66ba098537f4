import type { StoredArea } from '../platform/stored-item';
import type { SettingsReader } from '../settings/settings-reader';
import { SYNC_STATUS, type SyncStatus } from '../settings/stored-items';
import type { SyncConfig } from './sync-engine';

/** Where the sync engine finds its settings (the settings reader) and keeps its status (storage.local). */
export function syncStorage(local: StoredArea, reader: Pick<SettingsReader, 'sync' | 'generation'>) {
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
    loadStatus: (): Promise<SyncStatus> => SYNC_STATUS.get({ local }),
    saveStatus: (status: SyncStatus): Promise<void> => SYNC_STATUS.set({ local }, status),
  };
}
