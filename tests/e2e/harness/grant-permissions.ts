import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Marks optional API permissions as granted to an installed extension in the closed
 * profile's `Default/Preferences`, as if the user had accepted them once. Headless Chromium
 * shows `permissions.request` as a native dialog no automation can answer; after this, the
 * next `permissions.request` for them resolves true at once (browser-testing.md).
 */
export async function grantOptionalPermissions(profileDir: string, extensionId: string, api: string[]): Promise<void> {
  const file = join(profileDir, 'Default', 'Preferences');
  const prefs = JSON.parse(await readFile(file, 'utf8')) as {
    extensions?: { settings?: Record<string, { runtime_granted_permissions?: { api?: string[] } }> };
  };
  const entry = prefs.extensions?.settings?.[extensionId];
  if (!entry) throw new Error(`No extensions.settings entry for ${extensionId} in ${file}: was it installed on this profile?`);
  const granted = (entry.runtime_granted_permissions ??= {});
  granted.api = [...new Set([...(granted.api ?? []), ...api])];
  await writeFile(file, JSON.stringify(prefs));
}
