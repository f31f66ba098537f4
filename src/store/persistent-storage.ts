/** The part of `navigator.storage` that marks this origin's storage persistent. */
export type StorageManagerLike = Pick<StorageManager, 'persist' | 'persisted'>;

/**
 * Asks the browser to keep the log under storage pressure instead of evicting it with other
 * "best effort" data (docs/design.md §4). Asked once per worker start, cheaply when granted
 * already; resolves to whether storage is persistent now (false where the API is missing).
 */
export async function askForPersistentStorage(storage: StorageManagerLike | undefined): Promise<boolean> {
  if (!storage?.persist || !storage.persisted) return false;
  if (await storage.persisted()) return true;
  return storage.persist();
}
