import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Where `npm run build:firefox` puts the MV3 add-on; `E2E_FIREFOX_BUILD` points elsewhere. */
export const FIREFOX_BUILD_DIR = resolve(REPO_ROOT, process.env.E2E_FIREFOX_BUILD ?? '.output/firefox-mv3');

export interface FirefoxBuild {
  /** Absolute path of the unpacked add-on. */
  dir: string;
  /** `browser_specific_settings.gecko.id`: what `extensions.webextensions.uuids` is keyed by. */
  geckoId: string;
}

/** The built Firefox add-on, or a clear error telling how to make it. */
export function requireFirefoxBuild(buildDir = FIREFOX_BUILD_DIR): FirefoxBuild {
  const dir = resolve(buildDir);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(`No Firefox build at ${dir} (manifest.json missing). Run \`npm run build:firefox\` first.`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    manifest_version?: number;
    background?: { scripts?: string[] };
    browser_specific_settings?: { gecko?: { id?: string } };
  };
  const geckoId = manifest.browser_specific_settings?.gecko?.id;
  if (!geckoId) throw new Error(`${manifestPath} has no browser_specific_settings.gecko.id`);
  if (manifest.manifest_version !== 3 || !manifest.background?.scripts) {
    throw new Error(`${manifestPath} is not an MV3 event-page build (wxt build -b firefox --mv3)`);
  }
  return { dir, geckoId };
}
