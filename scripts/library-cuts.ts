import type { Plugin } from 'vite';

/**
 * Edits to library code this extension ships, made at build time (docs/design.md §1, "A lean background").
 * Each cut removes code the extension never calls but the bundler cannot prove dead, because
 * it hangs off a shared prototype or a proxy trap installed at import. A cut names the exact
 * code it expects: when a library update moves that code, the build fails instead of shipping
 * the code silently (or cutting the wrong thing).
 */
export interface LibraryCut {
  /** What is cut and why it is safe, for the error message. */
  readonly name: string;
  /** The library file, matched against the module id. */
  readonly file: RegExp;
  readonly from: RegExp;
  readonly to: string;
  /**
   * Only in the extension's bundles: the collector runs the same zod in Node, where the unit
   * tests must see it as Node does.
   */
  readonly buildOnly?: boolean;
}

export const libraryCuts: readonly LibraryCut[] = [
  {
    // zod 4 compiles object parsers with `new Function` when a probe says eval is allowed. An
    // extension's CSP forbids eval (the probe fails and zod falls back), but the code stays in
    // the bundle, AMO's linter flags it (DANGEROUS_EVAL) and a reviewer has to trust it is dead.
    name: 'zod: the eval probe answers "no" without trying',
    file: /[\\/]zod[\\/]v4[\\/]core[\\/]util\.js$/,
    from: /(export const allowsEval = [^\n]*cached\(\(\) => \{)[\s\S]*?\n\}\);/,
    to: '$1\n    return false;\n});',
    buildOnly: true,
  },
  {
    name: "zod: no code generator (the extension's CSP forbids it anyway)",
    file: /[\\/]zod[\\/]v4[\\/]core[\\/]doc\.js$/,
    from: /compile\(\) \{[\s\S]*?\n    \}/,
    to: "compile() {\n        throw new Error('code generation is disabled in this extension');\n    }",
    buildOnly: true,
  },
  {
    // Every schema here parses synchronously (no async refinements, no transforms that await):
    // the async entry points only pull zod's async parse path into the worker.
    name: 'zod mini: no parseAsync / safeParseAsync (every schema here is synchronous)',
    file: /[\\/]zod[\\/]v4[\\/]mini[\\/]schemas\.js$/,
    from: /\n    parseAsync\(data, params\) \{\n[^\n]*\n    \},(\n    safeParse\(data, params\) \{\n[^\n]*\n    \},)\n    safeParseAsync\(data, params\) \{\n[^\n]*\n    \},/,
    to: '$1',
  },
  {
    // Its advice names an entry point the cut above removed.
    name: "zod: the async error does not advise parseAsync, which the extension's zod lacks",
    file: /[\\/]zod[\\/]v4[\\/]core[\\/]core\.js$/,
    from: /`Encountered Promise during synchronous parse\. Use \.parseAsync\(\) instead\.`/,
    to: '`a check answered with a promise: schemas here are synchronous`',
  },
  {
    // Members of every mini schema the code here never calls (it composes with `.check()`).
    name: 'zod mini: no with / brand / register / apply on every schema',
    file: /[\\/]zod[\\/]v4[\\/]mini[\\/]schemas\.js$/,
    from: /(\}, \{\n)    \/\/ `with` is an alias[^\n]*\n    get with\(\) \{\n[^\n]*\n    \},\n    set with\(value\) \{\n[^\n]*\n    \},\n([\s\S]*?\n    clone\(_def, params\) \{\n[^\n]*\n    \},)\n    brand\(\) \{\n[^\n]*\n    \},\n    register\(reg, meta\) \{\n[^\n]*\n[^\n]*\n    \},\n    apply\(fn, \.\.\.args\) \{\n[^\n]*\n    \},\n/,
    to: '$1$2\n',
  },
  {
    // The Standard Schema surface is for libraries that take "any validator"; nothing here hands
    // a zod schema to such a library.
    name: 'zod: no Standard Schema getter on every schema',
    file: /[\\/]zod[\\/]v4[\\/]core[\\/]schemas\.js$/,
    from: /\n\}, \{\n    \/\/ Wrappers extend this[^\n]*\n    get "~standard"\(\) \{\n[^\n]*\n    \},\n    set "~standard"\(value\) \{\n[^\n]*\n    \},\n\}\);/,
    to: '\n});',
  },
  {
    // `db.get(storeName, key)` and the like: each opens a transaction of its own. The code here
    // names its transactions (src/store), so the trap that answers for these names goes.
    name: 'idb: no shortcut methods on the database (db.get, db.put, …FromIndex)',
    file: /[\\/]idb[\\/]build[\\/]index\.js$/,
    from: /\nconst readMethods = \[[\s\S]*?\n\}\)\);\n/,
    to: '\n',
  },
  {
    // The backward direction is encoding (`z.encode`), which the extension never does: only the
    // encode functions set it, and they are not in the bundle.
    name: 'zod: no encode (backward) pass in the checks of every schema',
    file: /[\\/]zod[\\/]v4[\\/]core[\\/]schemas\.js$/,
    from: /\n        const handleCanaryResult = \(canary, payload, ctx\) => \{\n[\s\S]*?\n        \};(\n        inst\._zod\.run = \(payload, ctx\) => \{\n            if \(ctx\.skipChecks\) \{\n[^\n]*\n            \})\n            if \(ctx\.direction === "backward"\) \{\n[\s\S]*?\n            \}\n/,
    to: '$1\n',
  },
  {
    // With no async entry point left, every parse runs with `async: false`, and a check that
    // answers with a promise throws just before this branch.
    name: 'zod: no waiting for asynchronous checks',
    file: /[\\/]zod[\\/]v4[\\/]core[\\/]schemas\.js$/,
    from: /\n                if \(asyncResult \|\| _ instanceof Promise\) \{\n[\s\S]*?\n                \}\n                else (\{\n[\s\S]*?\n                \}\n            \}\n)            if \(asyncResult\) \{\n[\s\S]*?\n            \}\n/,
    to: '\n                $1',
  },
  {
    // The same, where a kind asks: every parse is synchronous.
    name: 'zod: every parse is synchronous (async === false)',
    file: /[\\/]zod[\\/]v4[\\/]core[\\/]schemas\.js$/,
    from: /\bctx\??\.async === false\b/g,
    to: 'true',
  },
  {
    name: 'zod: every parse is synchronous (if async)',
    file: /[\\/]zod[\\/]v4[\\/]core[\\/]schemas\.js$/,
    from: /\bif \(ctx\.async\) \{/g,
    to: 'if (false) {',
  },
  {
    // The same for every other kind (optional, nullable, default, transform, …): the direction is
    // never backward, and the minifier drops the branches that test for it.
    name: 'zod: the direction is never backward (===)',
    file: /[\\/]zod[\\/]v4[\\/]core[\\/]schemas\.js$/,
    from: /\bctx\??\.direction === "backward"/g,
    to: 'false',
  },
  {
    name: 'zod: the direction is never backward (!==)',
    file: /[\\/]zod[\\/]v4[\\/]core[\\/]schemas\.js$/,
    from: /\bctx\??\.direction !== "backward"/g,
    to: 'true',
  },
  {
    // An array schema with a length check stops at once on an input longer than the check
    // allows, before parsing its elements. No schema here has a length or size check (lengths
    // are refines: `nonEmpty()`, `maxUnits()`), so this never stops anything; were one added,
    // the check would still run, after the elements.
    name: 'zod: no size-cap early exit on arrays (no schema here checks a length)',
    file: /[\\/]zod[\\/]v4[\\/]core[\\/]schemas\.js$/,
    from: /\n    capSize\(inst, arraySize\);/,
    to: '',
  },
  {
    // `for await (const cursor of store)` support: a second proxy over every cursor. The log walks
    // cursors with `continue()` (src/store), never with an async iterator.
    name: 'idb: no async iterators over stores, indexes and cursors',
    file: /[\\/]idb[\\/]build[\\/]index\.js$/,
    from: /\nconst advanceMethodProps = [\s\S]*?\n\}\)\);\n\n(export \{)/,
    to: '\n$1',
  },
];

/**
 * A Vite plugin that applies the cuts: all of them in the extension's build (`inBuild`), else
 * those that hold in Node as well (the unit tests, where the collector's zod runs too; nothing
 * there parses asynchronously either).
 */
export function applyLibraryCuts({ inBuild }: { inBuild: boolean }): Plugin {
  const cuts = libraryCuts.filter((cut) => inBuild || !cut.buildOnly);
  return {
    name: 'activity-logger:library-cuts',
    enforce: 'pre',
    transform(code, id) {
      const file = id.split('?')[0]!;
      const mine = cuts.filter((cut) => cut.file.test(file));
      if (mine.length === 0) return null;
      for (const cut of mine) {
        if (code.search(cut.from) === -1) throw new Error(`library cut "${cut.name}": the expected code is gone from ${file}; update scripts/library-cuts.ts`);
        code = code.replace(cut.from, cut.to);
      }
      return { code, map: null };
    },
  };
}
