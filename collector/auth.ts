import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A token for a run that configured none: 32 random bytes, URL- and header-safe. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), else undefined. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  if (!value) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value);
  return match?.[1];
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Compares digests, so neither the content nor the length of the expected token leaks through timing. */
export function createTokenCheck(expected: string): (headers: IncomingHttpHeaders) => boolean {
  const expectedDigest = digest(expected);
  return (headers) => {
    const presented = bearerToken(headers);
    if (presented === undefined) return false;
    return timingSafeEqual(digest(presented), expectedDigest);
  };
}
