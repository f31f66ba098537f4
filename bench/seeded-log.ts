// A browser with the built extension on a log seeded once and kept between runs, so a
// benchmark at 1,000,000 events measures in minutes instead of seeding for eight.
//
// The seeded IndexedDB directory is kept under `BENCH_CACHE_DIR` (default: the OS temp dir's
// `activity-logger-bench/`), one entry per benchmark, size and seed (the key names them and
// a hash of the seeding code is part of it: change the seed and it is made again). Chromium
// names the log's directory by the extension's id, and an unpacked extension's id by the path
// it is loaded from: so each build measured is copied there with a fixed `key` in its
// manifest (`BENCH_EXTENSION_KEY`, a public key made for this and nothing else), which gives
// every build (this one, an older one to compare with) the same id and lets each open a copy
// of the same kept log, side by side. A log made by a newer schema is opened by an older build
// at its own version (docs/design.md §4, "Opening"). `BENCH_RESEED=1` seeds again; delete the
// directory to free the disk (≈ 0.5 GB for the 1,000,000-event log).
//
// A log is kept only once LevelDB has finished compacting it (no file of it changed for
// 15 s): copied mid-compaction, every run would measure a browser busy compacting on start,
// which a profile in use for a while is not.
//
// Retention would prune such a log within a minute of the first start (the default cap is
// 100,000 records, 30 days): every run sets the limits to their highest first.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchExtensionBrowser, requireChromeBuild, type ExtensionBrowser } from '../tests/e2e/harness';
import { setExtensionStorage } from '../tests/e2e/harness/extension-storage';

export const BENCH_CACHE_DIR = process.env.BENCH_CACHE_DIR ?? join(tmpdir(), 'activity-logger-bench');

/** The public half of an RSA key, given to the copied builds as their manifest's `key`. */
const BENCH_EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmlY3azKzB+yA0H6ZlAuIQfSwnEfwbjM1/syiGCwWkaGdlK3vRCHawQrL8bhPAWujsPp2XBYaSitPMO5QT2Gva4drndT9iAfBSssz+JLeWmreJG9ln7CDtyVOnWfGJkHNKrka5fGweE1pMGB+I1lgHlfssjCistkeMUam2YiXFupYEM25kHI4TeRvAStPLmaLYCfv5WzjxRepixUrwJDMyr83IBmlkedC5OdQc2F5SYDv4j08iQWZ8t4fU0EUW/LlZ55LX3w1WgvlAaCChs8dbLeRFDyYmod4f/iPqkt4kM3XmKcDMJ3NySrDH7z2YvYjpAxNAO2NhmYPwWXM8eG0tQIDAQAB';

/** Retention that keeps every seeded event (the settings' upper limits, docs/design.md §8). */
const KEEP_EVERYTHING = { keepSentDays: 3650, maxRecords: 1_000_000, keepSummaryDays: 3650 };

export interface SeededLog {
  browser: ExtensionBrowser;
  /** Seconds the seeding took, or null when a kept log was used. */
  seededInSeconds: number | null;
  /** The copy of the build the browser loaded (unpacked: its files are read at each request). */
  extensionDir: string;
}

/** A build to measure: a name for the output and its unpacked `chrome-mv3` directory. */
export interface BenchBuild {
  name: string;
  dir: string;
}

/**
 * The build of this checkout (`E2E_CHROME_BUILD` if set), and the ones named by
 * `BENCH_BASELINE=<unpacked chrome-mv3 dir>[,<another>…]` (e.g. the build of the main branch,
 * and an older one) to compare with in the same run: `baseline`, `baseline 2`, …
 */
export function benchBuilds(): BenchBuild[] {
  const baselines = (process.env.BENCH_BASELINE ?? '').split(',').filter(Boolean);
  return [
    { name: 'this build', dir: requireChromeBuild().dir },
    ...baselines.map((dir, at) => ({ name: at === 0 ? 'baseline' : `baseline ${at + 1}`, dir: requireChromeBuild(dir).dir })),
  ];
}

/**
 * Launches Chromium with `build` on a fresh profile whose log is the one `seed` makes (run in
 * an extension page once the schema exists); the log is seeded only when no kept copy
 * matches `key` and the seeding code. The browser is restarted before it is handed back,
 * whether seeded now or copied, so every run measures the same thing: a log on disk, opened
 * at browser start.
 */
export async function launchOnSeededLog(
  build: BenchBuild,
  name: string,
  key: string,
  seed: (page: Page) => Promise<void>,
): Promise<SeededLog> {
  const extensionDir = join(BENCH_CACHE_DIR, `extension-${build.name.replace(/\W+/g, '-')}`);
  await rm(extensionDir, { recursive: true, force: true });
  await mkdir(BENCH_CACHE_DIR, { recursive: true });
  await cp(build.dir, extensionDir, { recursive: true });
  const manifestFile = join(extensionDir, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Record<string, unknown>;
  await writeFile(manifestFile, JSON.stringify({ ...manifest, key: BENCH_EXTENSION_KEY }));
  const hash = createHash('sha256').update(`${key}\n${seed.toString()}`).digest('hex').slice(0, 12);
  const kept = join(BENCH_CACHE_DIR, `${name}-${hash}`);

  const browser = await launchExtensionBrowser({ extensionDir });
  try {
    await setExtensionStorage(browser.worker, { settings: KEEP_EVERYTHING });
    const logDir = join(browser.profileDir, 'Default', 'IndexedDB', `chrome-extension_${browser.extensionId}_0.indexeddb.leveldb`);
    if (existsSync(kept) && process.env.BENCH_RESEED !== '1') {
      await browser.restart({
        whileClosed: async () => {
          await rm(logDir, { recursive: true, force: true });
          await cp(kept, logDir, { recursive: true });
        },
      });
      return { browser, seededInSeconds: null, extensionDir };
    }
    console.log(`seeding a log into ${kept} (kept for the next runs)`);
    const setup = await browser.openPopup();
    const started = Date.now();
    await seed(setup.page);
    const seededInSeconds = Math.round((Date.now() - started) / 1000);
    await setup.close();
    await untilUnchanged(logDir);
    await browser.restart({
      whileClosed: async () => {
        const partial = `${kept}.partial`;
        await rm(partial, { recursive: true, force: true });
        await rm(kept, { recursive: true, force: true });
        await cp(logDir, partial, { recursive: true });
        await rename(partial, kept);
      },
    });
    return { browser, seededInSeconds, extensionDir };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** Resolves once no file in `dir` was added, removed or written for `quietMs` (at most `maxMs`). */
async function untilUnchanged(dir: string, quietMs = 15_000, maxMs = 600_000): Promise<void> {
  const snapshot = async () => {
    const names = (await readdir(dir)).sort();
    const times = await Promise.all(names.map(async (name) => (await stat(join(dir, name)).catch(() => null))?.mtimeMs ?? 0));
    return names.map((name, i) => `${name}@${times[i]}`).join(' ');
  };
  const until = Date.now() + maxMs;
  let last = await snapshot();
  let since = Date.now();
  while (Date.now() < until && Date.now() - since < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = await snapshot();
    if (now !== last) [last, since] = [now, Date.now()];
  }
}
