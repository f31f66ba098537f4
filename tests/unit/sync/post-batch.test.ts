import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postBatch } from '../../../src/sync/post-batch';

// The token goes to the endpoint's origin and nowhere else (docs/design.md §5).

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(handler: (headers: IncomingHttpHeaders, respond: (status: number, headers?: Record<string, string>) => void) => void) {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers);
    request.resume();
    handler(request.headers, (status, headers = {}) => {
      response.writeHead(status, headers);
      response.end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rest/api/v1/activity`, seen };
}

describe('postBatch', () => {
  it('does not follow a redirect, so the token never reaches another origin', async () => {
    const elsewhere = await serve((_, respond) => respond(200));
    const endpoint = await serve((_, respond) => respond(307, { Location: elsewhere.url }));
    const outcome = await postBatch({ fetch, endpointUrl: endpoint.url, token: 's3cret', events: [], now: Date.now() });
    expect(outcome.kind).toBe('failed');
    expect(endpoint.seen[0]?.authorization).toBe('Bearer s3cret');
    expect(elsewhere.seen).toEqual([]);
  });

  it('sends no cookies and no Authorization header without a token', async () => {
    let init: RequestInit | undefined;
    const spy: typeof fetch = async (_input, options) => {
      init = options;
      return new Response(null, { status: 200 });
    };
    await postBatch({ fetch: spy, endpointUrl: 'https://glean.example/', token: '', events: [], now: 0 });
    expect(init).toMatchObject({ credentials: 'omit', redirect: 'error' });
    expect(init!.headers).not.toHaveProperty('Authorization');
  });

  it('does not put the token in what it reports', async () => {
    const endpoint = await serve((_, respond) => respond(500));
    const outcome = await postBatch({ fetch, endpointUrl: endpoint.url, token: 's3cret', events: [], now: Date.now() });
    expect(JSON.stringify(outcome)).not.toContain('s3cret');
  });
});
