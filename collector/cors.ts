import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Origins of browser extensions. Web pages are not let in: the collector holds a browsing
 * history, and only the extension (which has the token) is meant to talk to it from a browser.
 */
const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension|safari-web-extension):\/\/[A-Za-z0-9._-]+$/;

export const CORS_ALLOWED_METHODS = 'GET, POST, OPTIONS';
export const CORS_ALLOWED_HEADERS = 'Authorization, Content-Type';
export const CORS_EXPOSED_HEADERS = 'Retry-After';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

export function isAllowedOrigin(origin: string | undefined): origin is string {
  return origin !== undefined && EXTENSION_ORIGIN.test(origin);
}

/** Headers every response to an extension origin carries. */
export function applyCorsHeaders(req: IncomingMessage, res: ServerResponse): void {
  // Caches must not hand one origin's answer to another.
  res.setHeader('Vary', 'Origin');
  const origin = req.headers.origin;
  if (!isAllowedOrigin(origin)) return;
  res.setHeader('Access-Control-Allow-Origin', origin);
  // Sync reads Retry-After on 429/503 to back off; without this the browser hides it.
  res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS);
}

export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
}

/** Answers a CORS preflight; true when it was allowed. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): boolean {
  applyCorsHeaders(req, res);
  if (!isAllowedOrigin(req.headers.origin)) return false;
  res.setHeader('Access-Control-Allow-Methods', CORS_ALLOWED_METHODS);
  res.setHeader('Access-Control-Allow-Headers', CORS_ALLOWED_HEADERS);
  res.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS);
  res.statusCode = 204;
  res.end();
  return true;
}
