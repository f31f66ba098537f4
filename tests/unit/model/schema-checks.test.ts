import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { flag, integer, matches, maxUnits, nonEmpty } from '../../../src/model/schema-checks';

const candidates: unknown[] = [0, -0, 1, -1, 12, 1.5, -0.1, Number.NaN, Infinity, -Infinity, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1e300, '12', null, undefined, true, 12n];

describe('integer', () => {
  it.each(candidates)('accepts %s exactly when z.int() does', (value) => {
    expect(integer().safeParse(value).success).toBe(z.int().safeParse(value).success);
  });

  it.each(candidates)('accepts %s within bounds exactly when z.int() with z.gte and z.lte does', (value) => {
    for (const [min, max] of [[15, 3600], [0, Infinity], [1, Infinity]] as const) {
      const theirs = z.int().check(z.gte(min), ...(max < Infinity ? [z.lte(max)] : []));
      expect(integer(min, max).safeParse(value).success).toBe(theirs.safeParse(value).success);
    }
  });

  it('applies its bounds, and keeps them for whoever shows them', () => {
    const schema = integer(15, 3600);
    expect([14, 15, 3600, 3601].map((value) => schema.safeParse(value).success)).toEqual([false, true, true, false]);
    expect(schema.safeParse(14).error?.issues[0]?.message).toBe('expected an integer ≥ 15 ≤ 3600');
    expect(schema._zod.def.checks?.[0]?._zod.def).toMatchObject({ params: { min: 15, max: 3600 } });
  });
});

describe('matches', () => {
  it.each(['2026-12-02', '2026-1-02', ' 2026-12-02', 'x', ''])('accepts %j exactly when z.regex does', (value) => {
    const pattern = /^\d{4}-\d{2}-\d{2}$/;
    expect(z.string().check(matches(pattern)).safeParse(value).success).toBe(z.string().check(z.regex(pattern)).safeParse(value).success);
  });

  it('reports its message', () => {
    const result = z.string().check(matches(/^a$/, 'must be a')).safeParse('b');
    expect(result.error?.issues[0]?.message).toBe('must be a');
  });
});

describe('nonEmpty', () => {
  it.each(['', ' ', 'a', '😀'])('accepts %j exactly when z.minLength(1) does', (value) => {
    expect(z.string().check(nonEmpty()).safeParse(value).success).toBe(z.string().check(z.minLength(1)).safeParse(value).success);
  });
});

describe('maxUnits', () => {
  it('counts UTF-16 units, not code points', () => {
    expect(z.string().check(maxUnits(2)).safeParse('ab').success).toBe(true);
    expect(z.string().check(maxUnits(2)).safeParse('a😀').success).toBe(false);
  });
});

describe('flag', () => {
  it.each(candidates)('accepts %s exactly when z.boolean() does', (value) => {
    expect(flag().safeParse(value).success).toBe(z.boolean().safeParse(value).success);
  });

  it('accepts both values, and keeps a default as z.boolean() does', () => {
    expect([true, false, 'true', 0].map((value) => flag().safeParse(value).success)).toEqual([true, true, false, false]);
    expect(z._default(flag(), true).parse(undefined)).toBe(true);
  });
});
