import { describe, expect, it } from 'vitest';
import { bearerToken, createTokenCheck, generateToken } from '../../../collector/auth';

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

  it('accepts only the exact token', () => {
    const check = createTokenCheck('s3cret');
    expect(check({ authorization: 'Bearer s3cret' })).toBe(true);
    expect(check({ authorization: 'Bearer s3cre' })).toBe(false);
    expect(check({ authorization: 'Bearer s3cret2' })).toBe(false);
    expect(check({})).toBe(false);
  });

  it('generates long, distinct, header-safe tokens', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
  });
});
