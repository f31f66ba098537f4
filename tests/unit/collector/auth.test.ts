import { describe, expect, it } from 'vitest';
import { bearerToken, createAuthenticator, generateToken, hashToken, SHORTCUT_USER } from '../../../collector/auth';
import type { EventStore, TokenRecord } from '../../../collector/event-store';

/** Only findToken matters to the authenticator. */
function storeWith(records: TokenRecord[], fail = false): EventStore {
  return {
    findToken: async (hash: string) => {
      if (fail) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return records.find((record) => record.hash === hash);
    },
  } as unknown as EventStore;
}

describe('bearer auth', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER   abc  ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    ['', undefined],
  ])('reads %j as %j', (header, token) => {
    expect(bearerToken({ authorization: header })).toBe(token);
  });

  it('accepts only the exact shortcut token, as the admin user', async () => {
    const check = createAuthenticator(storeWith([]), 's3cret');
    expect(await check({ authorization: 'Bearer s3cret' })).toEqual({ user: SHORTCUT_USER, admin: true });
    expect(await check({ authorization: 'Bearer s3cre' })).toBeUndefined();
    expect(await check({ authorization: 'Bearer s3cret2' })).toBeUndefined();
    expect(await check({})).toBeUndefined();
  });

  it("finds a person's token by its hash, with that person's rights", async () => {
    const token = generateToken();
    const check = createAuthenticator(
      storeWith([{ hash: hashToken(token), user: 'ann', admin: false, createdAt: '2026-12-01T00:00:00.000Z' }]),
      undefined,
    );
    expect(await check({ authorization: `Bearer ${token}` })).toEqual({ user: 'ann', admin: false });
    expect(await check({ authorization: `Bearer ${generateToken()}` })).toBeUndefined();
  });

  it('rejects, rather than saying "unknown token", when the store cannot be reached', async () => {
    const check = createAuthenticator(storeWith([], true), 'shortcut');
    await expect(check({ authorization: 'Bearer other' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // The shortcut needs no database.
    expect(await check({ authorization: 'Bearer shortcut' })).toMatchObject({ admin: true });
  });

  it('hashes to hex SHA-256 and generates long, distinct, header-safe tokens', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
  });
});
