/** Every user-visible string has a key in `public/_locales/en/messages.json`; a typo breaks the build. */
export type MessageKey = keyof typeof import('../../public/_locales/en/messages.json');

/** `browser.i18n.getMessage`: `$1`…`$9` in a message are replaced by the substitutions. */
export type GetMessage = (name: string, substitutions?: string | string[]) => string;

export type Translate = (key: MessageKey, ...substitutions: (string | number)[]) => string;

/**
 * The pages' one way to a string. A missing message shows its key rather than nothing, so a
 * gap in a translation is visible instead of leaving an unlabelled control.
 */
export function createTranslator(getMessage: GetMessage): Translate {
  return (key, ...substitutions) => getMessage(key, substitutions.map(String)) || key;
}

const ATTRIBUTES = ['aria-label', 'placeholder', 'title'] as const;

/**
 * Fills a page's static text from its markup: `data-i18n="key"` sets the text,
 * `data-i18n-aria-label`, `data-i18n-placeholder` and `data-i18n-title` set those attributes.
 * The HTML keeps English in place so it reads on its own; the messages win at run time.
 */
export function localizePage(root: ParentNode, t: Translate): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n as MessageKey);
  }
  for (const attribute of ATTRIBUTES) {
    const data = `data-i18n-${attribute}`;
    for (const element of root.querySelectorAll<HTMLElement>(`[${data}]`)) {
      element.setAttribute(attribute, t(element.getAttribute(data) as MessageKey));
    }
  }
}
