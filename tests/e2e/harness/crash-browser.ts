import { readdir, readFile } from 'node:fs/promises';
import type { BrowserContext } from 'playwright-core';

/**
 * Kills, with SIGKILL, every process of the Chromium running on `profileDir` — a crash, or the
 * machine's power switch as far as the browser can tell: nothing is flushed or closed (the
 * operating system keeps what was written to it). Resolves once Playwright saw the browser go.
 */
export async function crashBrowser(context: BrowserContext, profileDir: string): Promise<number> {
  const gone = new Promise<void>((resolve) => context.once('close', () => resolve()));
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').some((arg) => arg === `--user-data-dir=${profileDir}`)) pids.push(Number(entry));
  }
  if (pids.length === 0) throw new Error(`No Chromium process runs on ${profileDir}`);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone with its parent.
    }
  }
  await gone;
  return pids.length;
}
