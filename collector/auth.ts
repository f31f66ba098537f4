import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { EventStore } from './event-store';

/** Who sent a request, as its token says. */
export interface Principal {
  user: string;
  /** May read every user's events; others read only their own. */
  admin: boolean;
}

/** The user of the single `--token` shortcut: the operator of a one-person collector, an admin. */
export const SHORTCUT_USER = 'default';

/** A new token: 32 random bytes, URL- and header-safe. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What is stored of a token: its SHA-256 in hex. Tokens are 256 random bits, so a plain hash
 * (no salt, no slow KDF) is enough: nobody can guess one from its hash, and a lookup by hash
 * is one index probe per request.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), else undefined. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  if (!value) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value);
  return match?.[1];
}

export type Authenticate = (headers: IncomingHttpHeaders) => Promise<Principal | undefined>;

/**
 * Checks a request's token against the shortcut token (if any) and the store's tokens. The
 * store is asked on every request, so a revoked token is refused at once by every process.
 * It rejects (rather than answering "unknown") when the store cannot be reached.
 */
export function createAuthenticator(store: EventStore, shortcutToken: string | undefined): Authenticate {
  // Digests compared in constant time: neither the content nor the length of the token leaks.
  const shortcut = shortcutToken === undefined ? undefined : Buffer.from(hashToken(shortcutToken), 'hex');
  return async (headers) => {
    const presented = bearerToken(headers);
    if (presented === undefined) return undefined;
    const hash = hashToken(presented);
    if (shortcut && timingSafeEqual(Buffer.from(hash, 'hex'), shortcut)) return { user: SHORTCUT_USER, admin: true };
    const record = await store.findToken(hash);
    return record ? { user: record.user, admin: record.admin } : undefined;
  };
}
