import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { integer, matches } from '../../../src/model/schema-checks';

const candidates: unknown[] = [0, -0, 1, -1, 12, 1.5, -0.1, Number.NaN, Infinity, -Infinity, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1e300, '12', null, undefined, true, 12n];

describe('integer', () => {
  it.each(candidates)('accepts %s exactly when z.int() does', (value) => {
    expect(integer().safeParse(value).success).toBe(z.int().safeParse(value).success);
  });

  it('applies the checks that follow it', () => {
    const schema = integer(z.gte(15), z.lte(3600));
    expect([14, 15, 3600, 3601].map((value) => schema.safeParse(value).success)).toEqual([false, true, true, false]);
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
