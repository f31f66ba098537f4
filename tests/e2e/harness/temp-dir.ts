import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new empty directory under the OS temp dir, e.g. for a fresh browser profile. */
export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `${prefix}-`));
}

/** Removes a directory tree; a missing one is fine (cleanup may run twice after a failure). */
export async function removeDir(dir: string): Promise<void> {
  // Chromium can still be writing its profile for a moment after close: retry briefly.
  await rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
}
