import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { describeEngines, getJson, makeEvent, newDatabase, postActivity, tempDir } from './helpers';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `npm run collector` minus npm: the same `tsx collector/main.ts`. */
function runCli(args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', 'collector/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, COLLECTOR_TOKEN: '', COLLECTOR_PORT: '', DATABASE_URL: '', ...env },
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
    expect(text).toContain(`database    sqlite ${dbFile}`);

    const response = await fetch(`${url}/rest/api/v1/activity`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ events: [makeEvent()] }),
    });
    expect(response.status).toBe(200);

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 30_000);

  it('uses a configured token from the environment', async () => {
    const child = runCli(['--port', '0', '--db', join(tempDir(), 'cli.sqlite')], { COLLECTOR_TOKEN: 'from-env' });
    const text = await output(child, /Ctrl\+C/);
    expect(text).toMatch(/token\s+from-env \(configured\)/);
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 30_000);

  it('exits 2 with the problem and the usage on a bad setting', async () => {
    const child = runCli(['--port', 'eighty']);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port \/ COLLECTOR_PORT \("eighty"\)/);
    expect(stderr).toMatch(/Usage: npm run collector/);
  }, 30_000);
});

/** Runs `npm run collector -- token …` to its end. */
async function tokenCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = runCli(['token', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number];
  return { code, stdout, stderr };
}

describeEngines('tokens per person (npm run collector -- token …)', (engine) => {
  it('adds tokens stored hashed; each event records its sender; a user reads only their own; a revoked token gets 401 at once', async () => {
    const database = await newDatabase();
    const ann = await tokenCli(['add', 'ann', '--database', database]);
    expect(ann.code).toBe(0);
    const annToken = ann.stdout.split('\n')[0]!;
    expect(annToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ann.stdout).toMatch(/stored hashed/);
    const bobToken = (await tokenCli(['add', 'bob', '--database', database])).stdout.split('\n')[0]!;
    const adminToken = (await tokenCli(['add', 'lead', '--admin', '--database', database])).stdout.split('\n')[0]!;

    const listed = await tokenCli(['list', '--database', database]);
    expect(listed.stdout).toMatch(/^ann\t[0-9a-f]{12}\tno\t/m);
    expect(listed.stdout).toMatch(/^lead\t[0-9a-f]{12}\tyes\t/m);
    // Only hashes are stored: no token appears in the listing.
    for (const token of [annToken, bobToken, adminToken]) expect(listed.stdout).not.toContain(token);

    // A collector with people's tokens and no --token: none is generated, theirs work.
    const child = runCli(['--port', '0', '--database', database]);
    const text = await output(child, /Ctrl\+C/);
    expect(text).toMatch(/token\s+per person/);
    expect(text).toContain(`database    ${engine}`);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)![1]!;
    const collector = { activityUrl: `${url}/rest/api/v1/activity` } as never;
    const auth = (token: string) => ({ 'Content-Type': 'application/json', Authorization: `Bearer ${token}` });
    const annEvent = makeEvent();
    const bobEvent = makeEvent();
    expect((await postActivity(collector, { events: [annEvent] }, auth(annToken))).status).toBe(200);
    expect((await postActivity(collector, { events: [bobEvent] }, auth(bobToken))).status).toBe(200);

    const asAnn = await getJson(`${url}/events`, auth(annToken));
    expect((asAnn.json.events as { user: string; event: { id: string } }[]).map((row) => [row.user, row.event.id])).toEqual([['ann', annEvent.id]]);
    expect((await getJson(`${url}/events?user=bob`, auth(annToken))).status).toBe(403);
    const asAdmin = await getJson(`${url}/events`, auth(adminToken));
    expect((asAdmin.json.events as { user: string }[]).map((row) => row.user)).toEqual(['bob', 'ann']);
    expect(((await getJson(`${url}/events?user=bob`, auth(adminToken))).json.events as unknown[])).toHaveLength(1);

    // Revoked from another process while this one runs: refused on the very next request.
    const revoked = await tokenCli(['revoke', 'ann', '--database', database]);
    expect(revoked).toMatchObject({ code: 0 });
    expect(revoked.stdout).toMatch(/revoked 1 token of ann/);
    expect((await postActivity(collector, { events: [makeEvent()] }, auth(annToken))).status).toBe(401);
    expect((await postActivity(collector, { events: [makeEvent()] }, auth(bobToken))).status).toBe(200);
    // By the token itself too.
    expect((await tokenCli(['revoke', bobToken, '--database', database])).stdout).toMatch(/revoked that token/);
    expect((await postActivity(collector, { events: [makeEvent()] }, auth(bobToken))).status).toBe(401);
    expect((await tokenCli(['revoke', 'nobody', '--database', database])).code).toBe(1);
    child.kill('SIGTERM');
    await once(child, 'exit');
  }, 60_000);
});

it('refuses a bad token command with the usage', async () => {
  const bad = await tokenCli(['add', 'not a name']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/the user must be/);
  expect(bad.stderr).toMatch(/token add USER/);
}, 30_000);
