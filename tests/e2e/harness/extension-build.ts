import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Where `npm run build` (wxt build) puts the Chromium MV3 extension. `E2E_CHROME_BUILD`
 * points the tests at another unpacked build (an unzipped release, a deliberately broken
 * copy to check that a test can fail).
 */
export const CHROME_BUILD_DIR = resolve(
  REPO_ROOT,
  process.env.E2E_CHROME_BUILD ?? '.output/chrome-mv3',
);
const OWN_BUILD_DIR = resolve(REPO_ROOT, '.output/chrome-mv3');

export interface ExtensionBuild {
  /** Absolute path of the unpacked extension. */
  dir: string;
  /** The background service worker's file name, from the built manifest. */
  serviceWorkerFile: string;
}

/**
 * The built extension, or a clear error telling how to make it. End-to-end tests run the
 * build, not the sources: a missing build would otherwise surface as a worker that never shows.
 */
export function requireChromeBuild(buildDir = CHROME_BUILD_DIR): ExtensionBuild {
  // Chromium resolves a relative --load-extension against its own working directory.
  const dir = resolve(buildDir);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(
      `No extension build at ${dir} (manifest.json missing). ` +
        'Run `npm run build` before the end-to-end tests.',
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    background?: { service_worker?: string };
  };
  const serviceWorkerFile = manifest.background?.service_worker;
  if (!serviceWorkerFile) {
    throw new Error(
      `${manifestPath} declares no background.service_worker: not a Chromium MV3 build?`,
    );
  }
  if (dir === OWN_BUILD_DIR) warnIfStale(manifestPath);
  return { dir, serviceWorkerFile };
}

const warnedStale = new Set<string>();

/**
 * A warning (once per build and test file), not a failure: sources may be edited while a run
 * is in progress, but a build older than them usually means someone forgot `npm run build`.
 */
function warnIfStale(manifestPath: string): void {
  if (warnedStale.has(manifestPath)) return;
  warnedStale.add(manifestPath);
  const builtAt = statSync(manifestPath).mtimeMs;
  const newer = ['src', 'entrypoints'].flatMap((folder) =>
    newerFiles(join(REPO_ROOT, folder), builtAt),
  );
  if (newer.length > 0) {
    console.warn(
      `The extension build is older than ${newer.length} source file(s), e.g. ${newer[0]}. ` +
        'Run `npm run build`.',
    );
  }
}

function newerFiles(dir: string, thanMs: number): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => statSync(file).mtimeMs > thanMs);
}
