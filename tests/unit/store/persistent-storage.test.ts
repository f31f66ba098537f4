import { describe, expect, it, vi } from 'vitest';
import { askForPersistentStorage } from '../../../src/store/persistent-storage';

describe('askForPersistentStorage', () => {
  it('asks only when storage is not persistent yet, and says what the browser answered', async () => {
    const persist = vi.fn(async () => true);
    expect(await askForPersistentStorage({ persisted: async () => false, persist })).toBe(true);
    expect(persist).toHaveBeenCalledTimes(1);
    persist.mockClear();
    expect(await askForPersistentStorage({ persisted: async () => true, persist })).toBe(true);
    expect(persist).not.toHaveBeenCalled();
    expect(await askForPersistentStorage({ persisted: async () => false, persist: async () => false })).toBe(false);
  });

  it('does without the API where the browser has none', async () => {
    expect(await askForPersistentStorage(undefined)).toBe(false);
  });
});
