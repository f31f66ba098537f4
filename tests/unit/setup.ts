// Every unit test gets IndexedDB (and IDBKeyRange) as a browser would give them.
import 'fake-indexeddb/auto';
