import * as z from 'zod/mini';

/*
 * zod's kinds written with `z.refine`, which every bundle has anyway: `z.int()` brings zod's
 * number-format checks and their table, `z.regex` a string-format check of its own, `z.gte` /
 * `z.lte` / `z.nonnegative` / `z.positive` two comparison checks, `z.minLength` a length check
 * that counts code points, `z.boolean` a kind of its own where a literal does, and the worker's
 * size is a target (docs/design.md §1 "A lean background"). They accept exactly what the kinds
 * they replace accept.
 */

/** What `integer(min, max)` keeps in its check's `params`: the options form shows the bounds. */
export interface IntegerBounds {
  min: number;
  max: number;
}

/**
 * A whole number in the safe range from `min` to `max`, as
 * `z.int().check(z.gte(min), z.lte(max))` accepts it.
 */
export function integer(min = -Infinity, max = Infinity) {
  const bounds: IntegerBounds = { min, max };
  const words = `expected an integer${min > -Infinity ? ` ≥ ${min}` : ''}${max < Infinity ? ` ≤ ${max}` : ''}`;
  return z
    .number()
    .check(z.refine((value) => Number.isSafeInteger(value) && value >= min && value <= max, { message: words, params: bounds }));
}

/** A string `pattern` matches, as `z.regex(pattern, message)` checks it (no `g` or `y` flag). */
export function matches(pattern: RegExp, message?: string) {
  return z.refine<string>((value) => pattern.test(value), { message });
}

/** A string that is not empty, as `z.minLength(1)` accepts it. */
export function nonEmpty(message = 'must not be empty') {
  return z.refine<string>((value) => value !== '', { message });
}

/**
 * At most `limit` UTF-16 units, the unit `.length`, the extension's truncation (`pageTitle`) and
 * the collector's fast path measure in. Not `z.maxLength`: zod 4.6.7 counts code points there,
 * so `'t'.repeat(2047) + '😀'` (2,049 units, 2,048 code points) passed a limit of 2,048.
 */
export function maxUnits(limit: number) {
  return z.refine<string>((value) => value.length <= limit, { message: `must be at most ${limit} characters` });
}

/** `true` or `false`, as `z.boolean()` accepts them; the worker needs no boolean kind beside its literals. */
export function flag() {
  return z.literal([true, false]);
}
