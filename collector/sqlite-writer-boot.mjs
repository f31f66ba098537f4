// The SQLite writer thread's entry (docs/design.md §9). The collector runs as TypeScript under
// tsx, whose loader a worker thread does not inherit: this loads the thread's module through it.
import { tsImport } from 'tsx/esm/api';

await tsImport('./sqlite-writer-thread.ts', import.meta.url);
