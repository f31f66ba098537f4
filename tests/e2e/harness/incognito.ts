import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Turns on "Allow in Incognito" for an installed extension, as a user would on
 * chrome://extensions, by editing the closed profile's `Default/Preferences`
 * (`extensions.settings.<id>.incognito`). Chromium has no automation API for it; the browser
 * must be closed, and the next launch on the profile picks it up.
 */
export async function allowExtensionInIncognito(profileDir: string, extensionId: string): Promise<void> {
  const file = join(profileDir, 'Default', 'Preferences');
  const prefs = JSON.parse(await readFile(file, 'utf8')) as {
    extensions?: { settings?: Record<string, Record<string, unknown>> };
  };
  const entry = prefs.extensions?.settings?.[extensionId];
  if (!entry) throw new Error(`No extensions.settings entry for ${extensionId} in ${file}: was it installed on this profile?`);
  entry.incognito = true;
  await writeFile(file, JSON.stringify(prefs));
}
