import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Debian's Firefox ESR; `FIREFOX_BIN` overrides it. */
export const FIREFOX_BINARY = process.env.FIREFOX_BIN ?? '/usr/bin/firefox-esr';

export type PrefValue = string | number | boolean;

/**
 * Writes the profile's `user.js`: Firefox applies it at every start, so prefs set here hold
 * across a restart on the same profile (the add-on's pinned UUID included).
 */
export async function writeUserPrefs(profileDir: string, prefs: Record<string, PrefValue>): Promise<void> {
  const lines = Object.entries(prefs).map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`);
  await writeFile(join(profileDir, 'user.js'), `${lines.join('\n')}\n`);
}

/**
 * Quiet and offline: no first-run pages, updates, telemetry or default-browser prompt. The
 * remote agent adds its own recommended automation prefs on top (`remote.prefs.recommended`).
 */
export const QUIET_PREFS: Record<string, PrefValue> = {
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.page': 0,
  'browser.startup.homepage': 'about:blank',
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.newtabpage.enabled': false,
  'browser.aboutwelcome.enabled': false,
  'app.update.disabledForTesting': true,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
};

export interface RunningFirefox {
  process: ChildProcess;
  /** `ws://127.0.0.1:PORT`, from the remote agent's "WebDriver BiDi listening on" line. */
  webSocketUrl: string;
  /** Resolves when the process has exited (with its code, or the signal that ended it). */
  exited: Promise<number | string | null>;
}

/**
 * Starts `firefox-esr --headless` on `profileDir` with the WebDriver BiDi remote agent on an
 * ephemeral port, and resolves once the agent listens. `--remote-allow-system-access` lets the
 * session open `moz-extension:` pages and evaluate in the browser's chrome scope (used to read
 * the add-on's background state).
 */
export async function launchFirefox(profileDir: string, { timeout = 20_000 } = {}): Promise<RunningFirefox> {
  const child = spawn(
    FIREFOX_BINARY,
    ['--headless', '--no-remote', '--profile', profileDir, '--remote-debugging-port=0', '--remote-allow-system-access', 'about:blank'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' } },
  );
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  // Firefox writes a lot to its output (console messages of every page): keep only the tail
  // for the error message of a failed start, and drain both pipes so it never blocks.
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4_000);
  };
  child.stdout!.on('data', keep);
  try {
    const webSocketUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "WebDriver BiDi listening" within ${timeout} ms`)), timeout);
      child.stderr!.on('data', (chunk: Buffer) => {
        keep(chunk);
        const found = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(tail);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      void exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`Firefox exited (${how}) before its remote agent listened`));
      });
    });
    return { process: child, webSocketUrl, exited };
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`Could not start ${FIREFOX_BINARY}: ${(error as Error).message}\n--- its output ---\n${tail}`, {
      cause: error,
    });
  }
}
