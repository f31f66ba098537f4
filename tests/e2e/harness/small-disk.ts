import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A real disk that fills up: a small tmpfs mounted where a Chromium profile keeps its IndexedDB
 * (`Default/IndexedDB`), so the extension's log lives on it and nothing else of the profile
 * does. `fill()` takes every free byte with filler files — the browser's next write to the log
 * fails with the operating system's "no space left on device" — and `free()` gives them back.
 * Needs permission to mount (root with CAP_SYS_ADMIN, as the CI machine runs setup.sh).
 */
export interface SmallDisk {
  readonly dir: string;
  fill(): Promise<void>;
  free(): Promise<void>;
  /** Unmounts; the browser on the profile must be closed first. Safe to call twice. */
  unmount(): Promise<void>;
}

const FILLER = 'filler-';

export async function mountSmallDisk(profileDir: string, { megabytes = 8 } = {}): Promise<SmallDisk> {
  const dir = join(profileDir, 'Default', 'IndexedDB');
  await mkdir(dir, { recursive: true });
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m,mode=0700`, 'tmpfs', dir]);
  } catch (error) {
    throw new Error(
      `Could not mount a ${megabytes} MB tmpfs at ${dir} for the full-disk test (it needs root with CAP_SYS_ADMIN): ${String(error)}`,
    );
  }
  let mounted = true;
  return {
    dir,
    async fill() {
      // 64 KiB files until the disk says no: the last partial block is taken too.
      for (let n = 0; ; n++) {
        try {
          await writeFile(join(dir, `${FILLER}${n}`), Buffer.alloc(64 * 1024));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
      for (let n = 0; ; n++) {
        try {
          await writeFile(join(dir, `${FILLER}small-${n}`), Buffer.alloc(512));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return;
          throw error;
        }
      }
    },
    async free() {
      const names = (await readdir(dir)).filter((name) => name.startsWith(FILLER));
      await Promise.all(names.map((name) => rm(join(dir, name), { force: true })));
    },
    async unmount() {
      if (!mounted) return;
      await run('umount', [dir]);
      mounted = false;
    },
  };
}
