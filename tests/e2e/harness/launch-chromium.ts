import { chromium, type BrowserContext } from 'playwright-core';

/**
 * Debian's real Chromium binary. Not the `/usr/bin/chromium` wrapper: it sources
 * /etc/chromium.d, which adds `--enable-remote-extensions` and its own `--load-extension=`
 * (ours only wins by coming last), and prints shell warnings. `CHROMIUM_BIN` overrides it.
 */
export const CHROMIUM_BINARY = process.env.CHROMIUM_BIN ?? '/usr/lib/chromium/chromium';

/** Flags for a quiet, offline, headless Chromium with exactly one unpacked extension. */
export function chromiumArgs(extensionDir: string): string[] {
  return [
    // Running as root in a container: Chromium refuses to start sandboxed.
    '--no-sandbox',
    '--disable-gpu',
    // No network but loopback here: keep the browser from trying (and from slow timeouts).
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
  ];
}

/**
 * Chromium on `profileDir` (created if empty) with the extension loaded. A persistent
 * context is required: Chromium loads unpacked extensions only into a real profile.
 */
export function launchChromiumWithExtension(
  profileDir: string,
  extensionDir: string,
  { display }: { display?: string } = {},
): Promise<BrowserContext> {
  if (display) {
    // Headful on a private X display (x-display.ts): a real window that can lose focus.
    return chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_BINARY,
      headless: false,
      viewport: null,
      env: { ...process.env, DISPLAY: display },
      args: [...chromiumArgs(extensionDir), '--ozone-platform=x11', '--password-store=basic', '--no-default-browser-check', '--window-position=0,0', '--window-size=1000,700'],
    });
  }
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_BINARY,
    headless: true,
    args: chromiumArgs(extensionDir),
  });
}
