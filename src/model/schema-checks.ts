import * as z from 'zod/mini';

/*
 * Two zod kinds written with `z.refine`, which every bundle has anyway: `z.int()` brings zod's
 * number-format checks and their table, `z.regex` a string-format check of its own, and the
 * worker's size is a target (docs/design.md §1 "A lean background"). They accept exactly what
 * the kinds they replace accept.
 */

/** A whole number in the safe range, as `z.int()` accepts it, then `checks`. */
export function integer(...checks: z.core.$ZodCheck<number>[]) {
  return z.number().check(z.refine(Number.isSafeInteger, { message: 'expected an integer' }), ...checks);
}

/** A string `pattern` matches, as `z.regex(pattern, message)` checks it (no `g` or `y` flag). */
export function matches(pattern: RegExp, message?: string) {
  return z.refine<string>((value) => pattern.test(value), { message });
}
