// Every unit test gets IndexedDB (and IDBKeyRange) as a browser would give them.
import 'fake-indexeddb/auto';
import { fakeBrowser } from 'wxt/testing/fake-browser';

// WXT's fakeBrowser throws "not implemented" for `tabs.onAttached`, which capture listens to:
// an event that keeps its listeners and can be triggered, like fakeBrowser's own.
type Listener = (...args: unknown[]) => unknown;
const attachedListeners = new Set<Listener>();
Object.assign(fakeBrowser.tabs, {
  onAttached: {
    addListener: (listener: Listener) => void attachedListeners.add(listener),
    removeListener: (listener: Listener) => void attachedListeners.delete(listener),
    hasListener: (listener: Listener) => attachedListeners.has(listener),
    hasListeners: () => attachedListeners.size > 0,
    trigger: async (...args: unknown[]) => Promise.all([...attachedListeners].map((listener) => listener(...args))),
  },
});
