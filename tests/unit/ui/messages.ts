import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createTranslator, type Translate } from '../../../src/ui/i18n';

export type Catalog = Record<string, { message: string; description?: string }>;

export function readCatalog(locale: string): Catalog {
  // The repository root (vitest runs there); happy-dom's import.meta.url is not a file: URL.
  const path = resolve(process.cwd(), `public/_locales/${locale}/messages.json`);
  return JSON.parse(readFileSync(path, 'utf8')) as Catalog;
}

/**
 * `browser.i18n.getMessage` over a locale's messages.json, as Chromium and Firefox resolve it:
 * `$1`…`$9` are the substitutions, `$$` is a dollar sign, an unknown name gives "".
 */
export function translatorFor(locale: string): Translate {
  const catalog = readCatalog(locale);
  return createTranslator((name, substitutions = []) => {
    const message = catalog[name]?.message;
    if (message === undefined) return '';
    const subs = Array.isArray(substitutions) ? substitutions : [substitutions];
    return message.replace(/\$(\$|[1-9])/g, (_, which: string) => (which === '$' ? '$' : (subs[Number(which) - 1] ?? '')));
  });
}

export const en = translatorFor('en');
