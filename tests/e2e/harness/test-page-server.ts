import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestPageServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly origin: string;
  /** The URL of a page whose `<title>` is `name`. */
  pageUrl(name: string): string;
  close(): Promise<void>;
}

const PAGE_PATH = /^\/page\/([^/?#]+)$/;

/**
 * Serves tiny HTML pages on 127.0.0.1 with an ephemeral port: `/page/<name>` is a page titled
 * `<name>` (decoded, any query string ignored); everything else is 404. Real http: URLs are
 * what the extension records (design.md §3), and a loopback server needs no network.
 */
export async function startTestPageServer(): Promise<TestPageServer> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const match = PAGE_PATH.exec(path);
    if (request.method !== 'GET' || !match) {
      respond(response, 404, 'text/plain; charset=utf-8', 'not found');
      return;
    }
    const title = decodeURIComponent(match[1]!);
    respond(response, 200, 'text/html; charset=utf-8', pageHtml(title));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    pageUrl: (name) => `${origin}/page/${encodeURIComponent(name)}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Chromium keeps idle keep-alive sockets open; close() alone would wait for them.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function respond(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  response.end(body);
}

function pageHtml(title: string): string {
  const text = escapeHtml(title);
  return [
    '<!doctype html><html lang="en">',
    `<head><meta charset="utf-8"><title>${text}</title></head>`,
    `<body><h1>${text}</h1></body></html>`,
  ].join('');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
