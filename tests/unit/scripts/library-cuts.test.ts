import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { applyLibraryCuts, libraryCuts } from '../../../scripts/library-cuts';

const libraryFile = (path: string) => resolve('node_modules', path);

function transform(code: string, id: string) {
  const plugin = applyLibraryCuts({ inBuild: true });
  const hook = plugin.transform as (code: string, id: string) => { code: string } | null;
  return hook.call({}, code, id);
}

describe('library cuts', () => {
  const files = [
    libraryFile('zod/v4/core/util.js'),
    libraryFile('zod/v4/core/core.js'),
    libraryFile('zod/v4/core/doc.js'),
    libraryFile('zod/v4/core/schemas.js'),
    libraryFile('zod/v4/mini/schemas.js'),
    libraryFile('idb/build/index.js'),
  ];

  it('each cut finds its code in the installed library, and makes it shorter', () => {
    for (const cut of libraryCuts) {
      const file = files.find((path) => cut.file.test(path));
      expect(file, cut.name).toBeDefined();
      const code = readFileSync(file!, 'utf8');
      expect(code.search(cut.from), cut.name).not.toBe(-1);
      const cutCode = transform(code, file!)!.code;
      expect(cutCode.length, cut.name).toBeLessThan(code.length);
    }
  });

  it('a library update that moved the code fails the build, naming the cut', () => {
    const idb = libraryFile('idb/build/index.js');
    expect(() => transform('export { openDB };\n', idb)).toThrow(/library cut "idb: .*": the expected code is gone from .*idb/);
    expect(transform('export const x = 1;\n', '/somewhere/else.js')).toBeNull();
  });

  // The unit tests run the libraries as the extension ships them (vitest.config.ts), so a cut
  // that takes away something the code uses fails here, not only in the built extension.
  it('the unit tests see the cut libraries', async () => {
    const schema = z.string();
    expect('parseAsync' in schema).toBe(false);
    expect('safeParseAsync' in schema).toBe(false);
    expect('~standard' in schema).toBe(false);
    for (const member of ['with', 'brand', 'register', 'apply']) expect(member in schema, member).toBe(false);
    expect(schema.parse('kept')).toBe('kept');
    // Checks and defaults still work forward, without the encode pass and the async branches.
    const settings = z.object({ n: z._default(z.number().check(z.refine((n) => n > 0, { message: 'positive' })), 1) });
    expect(settings.parse({})).toEqual({ n: 1 });
    expect(settings.safeParse({ n: -1 }).error?.issues[0]?.message).toBe('positive');
    // An array's length check still refuses, without the early exit.
    const pair = z.array(z.number()).check(z.maxLength(2));
    expect(pair.safeParse([1, 2]).success).toBe(true);
    expect(pair.safeParse([1, 2, 3]).success).toBe(false);
    // A check that answers with a promise throws, with advice that fits this zod.
    const asyncCheck = z.string().check(z.refine(async () => true));
    expect(() => asyncCheck.parse('x')).toThrow('a check answered with a promise: schemas here are synchronous');

    const db = await openDB('library-cuts', 1, { upgrade: (database) => database.createObjectStore('things') });
    const store = db.transaction('things').store;
    expect(Symbol.asyncIterator in store).toBe(false);
    expect('iterate' in store).toBe(false);
    expect('get' in db).toBe(false);
    expect(await store.count()).toBe(0);
    db.close();
  });
});
