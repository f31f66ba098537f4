import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { makeEvent, tempDir } from './helpers';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `npm run collector` minus npm: the same `tsx collector/main.ts`. */
function runCli(args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', 'collector/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, COLLECTOR_TOKEN: '', COLLECTOR_PORT: '', ...env },
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

/** Stdout up to `until`; the stream stays open, as closing it would break the child's later logging. */
function output(child: ChildProcessWithoutNullStreams, until: RegExp): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    child.stdout.setEncoding('utf8');
    const onData = (chunk: string): void => {
      text += chunk;
      if (until.test(text)) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve(text);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', () => resolve(text));
  });
}

describe('npm run collector (collector/main.ts)', () => {
  it('prints its URL and generated token, serves, and stops on SIGTERM', async () => {
    const dbFile = join(tempDir(), 'cli.sqlite');
    const child = runCli(['--port', '0', '--db', dbFile, '--prefix', 'glean']);

    const text = await output(child, /Ctrl\+C/);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+\/glean)/.exec(text)?.[1];
    const token = /token\s+(\S+) \(generated for this run; fix one with --token or COLLECTOR_TOKEN=/.exec(text)?.[1];
    expect(url).toBeDefined();
    expect(token).toBeDefined();
    expect(text).toContain(dbFile);

    const response = await fetch(`${url}/rest/api/v1/activity`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ events: [makeEvent()] }),
    });
    expect(response.status).toBe(200);

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('uses a configured token from the environment', async () => {
    const child = runCli(['--port', '0', '--db', join(tempDir(), 'cli.sqlite')], { COLLECTOR_TOKEN: 'from-env' });
    const text = await output(child, /Ctrl\+C/);
    expect(text).toMatch(/token\s+from-env \(configured\)/);
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('exits 2 with the problem and the usage on a bad setting', async () => {
    const child = runCli(['--port', 'eighty']);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port \/ COLLECTOR_PORT \("eighty"\)/);
    expect(stderr).toMatch(/Usage: npm run collector/);
  });
});
