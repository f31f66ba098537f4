import type { ServerResponse } from 'node:http';

export type ExtraHeaders = Record<string, string | number>;

/** Every answer is JSON, so a client can always show `error` to the user. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: ExtraHeaders = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.setHeader('Cache-Control', 'no-store');
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, error: string, extra: object = {}, headers: ExtraHeaders = {}): void {
  sendJson(res, status, { error, ...extra }, headers);
}
