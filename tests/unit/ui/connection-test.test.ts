import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../../../collector/start';
import { describeConnection, testConnection } from '../../../src/ui/connection-test';
import { en } from './messages';

let dir: string;
let collector: RunningCollector;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'connection-test-'));
  collector = await startCollector({ port: 0, dbFile: join(dir, 'events.sqlite'), token: 'right-token' });
});
afterAll(async () => {
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('testConnection against the reference collector', () => {
  it('sends an empty batch that is accepted, and stores nothing', async () => {
    const result = await testConnection({ fetch, endpointUrl: collector.activityUrl, token: 'right-token' });
    expect(result).toMatchObject({ kind: 'accepted', status: 200 });
    expect(describeConnection(result, en)).toBe('HTTP 200: accepted. The endpoint and token work.');
    expect(collector.store.count()).toBe(0);
  });

  it('says the token was refused on 401', async () => {
    const result = await testConnection({ fetch, endpointUrl: collector.activityUrl, token: 'wrong' });
    expect(result).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(describeConnection(result, en)).toMatch(/^HTTP 401: the server refused the token\. Check the API token\. The server said: .+/);
  });

  it('says the path is wrong on 404', async () => {
    const result = await testConnection({ fetch, endpointUrl: `${collector.url}/rest/api/v1/nothing`, token: 'right-token' });
    expect(result).toMatchObject({ kind: 'notFound', status: 404 });
    expect(describeConnection(result, en)).toMatch(/^HTTP 404: no activity API at this address/);
  });

  it('says that a 200 web page is not the activity API', async () => {
    const portal = createHttpServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<html><body>Sign in to the Wi-Fi</body></html>');
    });
    await new Promise<void>((resolve) => portal.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = portal.address() as { port: number };
      const result = await testConnection({ fetch, endpointUrl: `http://127.0.0.1:${port}/rest/api/v1/activity`, token: '' });
      expect(result).toMatchObject({ kind: 'notApi', status: 200 });
      expect(describeConnection(result, en)).toBe('HTTP 200: the endpoint answered a web page, not the activity API. Check the address.');
    } finally {
      await new Promise((resolve) => portal.close(resolve));
    }
  });

  it('says when nothing answers', async () => {
    const result = await testConnection({ fetch, endpointUrl: `http://127.0.0.1:${await closedPort()}/rest/api/v1/activity`, token: '' });
    expect(result.kind).toBe('network');
    expect(describeConnection(result, en)).toMatch(/^No answer: the server could not be reached/);
  });
});

describe('describeConnection', () => {
  it.each([
    [{ kind: 'serverError', status: 503, reason: 'maintenance' }, 'HTTP 503: the server has a problem; sync will try again later. The server said: maintenance'],
    [{ kind: 'rateLimited', status: 429, reason: '' }, 'HTTP 429: the server is busy; sync will wait and try again.'],
    [{ kind: 'timeout', seconds: 15 }, 'No answer within 15 s.'],
  ] as const)('puts %o in words', (result, words) => {
    expect(describeConnection(result, en)).toBe(words);
  });
});
