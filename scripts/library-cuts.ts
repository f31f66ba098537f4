import type { Plugin } from 'vite';

/**
 * Edits to library code this extension ships, made at build time (docs/design.md §11).
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
    // `for await (const cursor of store)` support: a second proxy over every cursor. The log walks
    // cursors with `continue()` (src/store), never with an async iterator.
    name: 'idb: no async iterators over stores, indexes and cursors',
    file: /[\\/]idb[\\/]build[\\/]index\.js$/,
    from: /\nconst advanceMethodProps = [\s\S]*?\n\}\)\);\n\n(export \{)/,
    to: '\n$1',
  },
];

/** A Vite plugin that applies the cuts (all of them, or those that hold in Node as well). */
export function applyLibraryCuts({ buildOnly }: { buildOnly: boolean }): Plugin {
  const cuts = libraryCuts.filter((cut) => buildOnly || !cut.buildOnly);
  return {
    name: 'activity-logger:library-cuts',
    enforce: 'pre',
    transform(code, id) {
      const file = id.split('?')[0]!;
      const mine = cuts.filter((cut) => cut.file.test(file));
      if (mine.length === 0) return null;
      for (const cut of mine) {
        if (!cut.from.test(code)) throw new Error(`library cut "${cut.name}": the expected code is gone from ${file}; update scripts/library-cuts.ts`);
        code = code.replace(cut.from, cut.to);
      }
      return { code, map: null };
    },
  };
}
