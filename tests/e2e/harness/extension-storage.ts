import type { Worker } from 'playwright-core';

type Area = 'local' | 'session';

interface StorageGlobal {
  chrome: { storage: Record<Area, { set(items: object): Promise<void>; get(keys?: string | string[]): Promise<Record<string, unknown>> }> };
}

/** Writes to the extension's storage from inside its worker, as the options page would. */
export function setExtensionStorage(worker: Worker, items: Record<string, unknown>, area: Area = 'local'): Promise<void> {
  return worker.evaluate(
    ({ items, area }) => (globalThis as unknown as StorageGlobal).chrome.storage[area].set(items),
    { items, area },
  );
}

export function getExtensionStorage(worker: Worker, keys: string | string[], area: Area = 'local'): Promise<Record<string, unknown>> {
  return worker.evaluate(
    ({ keys, area }) => (globalThis as unknown as StorageGlobal).chrome.storage[area].get(keys),
    { keys, area },
  );
}
