// @vitest-environment happy-dom
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTranslator, localizePage } from '../../../src/ui/i18n';
import { en, readCatalog, translatorFor } from './messages';

const root = (path: string) => resolve(process.cwd(), path);
const locales = readdirSync(root('public/_locales'));
const english = readCatalog('en');
const placeholders = (message: string) => [...message.matchAll(/\$[1-9]/g)].map((m) => m[0]).sort();

describe('the message catalogs', () => {
  it('has English and at least one complete translation', () => {
    expect(locales).toContain('en');
    expect(locales.length).toBeGreaterThanOrEqual(2);
  });

  it.each(locales)('%s has every English message, nothing else, with the same substitutions', (locale) => {
    const catalog = readCatalog(locale);
    expect(Object.keys(catalog).sort()).toEqual(Object.keys(english).sort());
    for (const [key, { message }] of Object.entries(english)) {
      expect(catalog[key]!.message.trim(), `${locale}: ${key}`).not.toBe('');
      expect(placeholders(catalog[key]!.message), `${locale}: ${key}`).toEqual(placeholders(message));
    }
  });

  it('names every key the pages use in their markup', () => {
    for (const page of ['entrypoints/popup/index.html', 'entrypoints/options/index.html']) {
      const html = readFileSync(root(page), 'utf8');
      const keys = [...html.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)].map((m) => m[1]!);
      expect(keys.length).toBeGreaterThan(5);
      for (const key of keys) expect(english, `${page}: ${key}`).toHaveProperty(key);
    }
  });

  it('names the extension in the manifest through the catalog', () => {
    expect(english.extName?.message).toBe('Activity Logger');
    expect(english.extDescription?.message).toBeTruthy();
  });
});

describe('createTranslator', () => {
  it('substitutes in order and shows the key of a missing message', () => {
    expect(en('statusPending', 3)).toBe('3 pending');
    expect(translatorFor('de')('deletedSite', 4, 'example.com')).toBe('4 Ereignisse von example.com gelöscht.');
    const empty = createTranslator(() => '');
    expect(empty('syncNow')).toBe('syncNow');
  });
});

describe('localizePage', () => {
  it('sets text and attributes from data-i18n markers', () => {
    document.body.innerHTML = [
      '<button data-i18n="syncNow">x</button>',
      '<ul data-i18n-aria-label="popupHeading"></ul>',
      '<input data-i18n-placeholder="search" data-i18n-title="searchHint">',
    ].join('');
    localizePage(document, translatorFor('de'));
    expect(document.querySelector('button')!.textContent).toBe('Jetzt synchronisieren');
    expect(document.querySelector('ul')!.getAttribute('aria-label')).toBe('Letzte Aktivität');
    expect(document.querySelector('input')!.getAttribute('placeholder')).toBe('Suchen');
    expect(document.querySelector('input')!.getAttribute('title')).toBe('Filtert das ganze Protokoll nach Titel und Adresse.');
  });
});
