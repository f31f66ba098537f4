/**
 * Functions that run inside a Firefox page through `callInContext` (sent as source text, so
 * each is self-contained). Kept apart from the Node-side code so that it is clear which side
 * of the wire a function runs on.
 */

import type Browser from 'webextension-polyfill';
import type { BackgroundStatus } from '../../../../entrypoints/background';

/** The extension API of an add-on page (these functions run in one; the name is Firefox's). */
declare const browser: Browser.Browser;

/** `field`: a form control (input, textarea, select) found by its label. */
export type Role = 'button' | 'link' | 'field';

export interface ElementQuery {
  role: Role;
  /** The accessible name, compared exactly after trimming (like Playwright's `exact: true`). */
  name: string;
}

/**
 * Finds the one element with `role` and accessible `name` (aria-label, a `<label for>`, or its
 * text) and marks it with `data-e2e-target` so the caller can address it; throws when there
 * is none or more than one. A small subset of the accessibility tree, enough for test pages.
 */
export function markElement({ role, name }: ElementQuery): string {
  const selectors: Record<string, string> = {
    button: 'button, [role="button"], input[type="submit"], input[type="button"]',
    link: 'a[href], [role="link"]',
    field: 'input:not([type="hidden"]):not([type="submit"]):not([type="button"]), textarea, select',
  };
  const nameOf = (element: Element): string => {
    const label = element.getAttribute('aria-label');
    if (label) return label.trim();
    const id = element.getAttribute('id');
    const forLabel = id ? document.querySelector(`label[for="${CSS.escape(id)}"]`) : null;
    if (forLabel) return (forLabel.textContent ?? '').trim();
    if (element instanceof HTMLInputElement && element.type !== 'text' && element.type !== 'search') return element.value.trim();
    return (element.textContent ?? '').replace(/\s+/g, ' ').trim();
  };
  const found = [...document.querySelectorAll(selectors[role] ?? role)].filter(
    (element) => !(element as HTMLElement).hidden && nameOf(element) === name,
  );
  if (found.length !== 1) {
    throw new Error(`expected one ${role} named ${JSON.stringify(name)}, found ${found.length}`);
  }
  // A pointer can only reach what is in the viewport (Playwright scrolls the same way).
  found[0]!.scrollIntoView({ block: 'center', inline: 'center' });
  const token = `e2e-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  for (const old of document.querySelectorAll('[data-e2e-target]')) old.removeAttribute('data-e2e-target');
  found[0]!.setAttribute('data-e2e-target', token);
  return token;
}

/** The popup's rows (docs/design.md §7), as the Chromium `PopupPage` reads them. */
export function readPopupRows(): { title: string; details: string }[] {
  const list = document.querySelector('[role="list"][aria-label="Recent activity"]');
  if (!list) throw new Error('the popup has no list named "Recent activity"');
  return [...list.querySelectorAll(':scope > li, :scope > [role="listitem"]')].map((item) => ({
    title: ((item.querySelector('.title') as HTMLElement | null)?.innerText ?? '').trim(),
    details: ((item.querySelector('.meta') as HTMLElement | null)?.innerText ?? '').trim(),
  }));
}

/** Every record of the add-on's durable log, in `seq` order (like `readLog` for Chromium). */
export function readLogInPage(): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('activity-log');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('events')) {
        db.close();
        resolve([]);
        return;
      }
      const read = db.transaction('events').objectStore('events').getAll();
      read.onerror = () => {
        db.close();
        reject(read.error);
      };
      read.onsuccess = () => {
        db.close();
        resolve(read.result as unknown[]);
      };
    };
  });
}

type StorageArea = 'local' | 'session';

/** `ready` and `lastError` of the running event page; undefined while it is suspended. */
export function readBackgroundStatus(): Pick<BackgroundStatus, 'ready' | 'lastError'> | undefined {
  const background = browser.extension.getBackgroundPage() as (Window & { activityLogger?: BackgroundStatus }) | null;
  const status = background?.activityLogger;
  return status && { ready: status.ready, lastError: status.lastError };
}

/** Waits for `capture.settled()` of the running event page; nothing to wait for when suspended. */
export async function settleCaptureInPage(): Promise<void> {
  const background = browser.extension.getBackgroundPage() as (Window & { activityLogger?: BackgroundStatus }) | null;
  await background?.activityLogger?.capture?.settled();
}

/** Sends the popup's "Sync now" message (it wakes a suspended event page); the outcome. */
export async function syncNowByMessage(): Promise<string> {
  // The background answers every message as `{ ok, value }` or `{ ok: false, error }`
  // (src/platform/message-channel.ts).
  const answer = (await browser.runtime.sendMessage({ type: 'syncNow' })) as
    | { ok: true; value?: { outcome?: string } }
    | { ok: false; error: string }
    | undefined;
  const outcome = answer?.ok ? answer.value?.outcome : undefined;
  if (!outcome) throw new Error(`syncNow answered ${JSON.stringify(answer)}`);
  return outcome;
}

export async function setStorageInPage({ items, area }: { items: Record<string, unknown>; area: StorageArea }): Promise<null> {
  await browser.storage[area].set(items);
  return null;
}

export function getStorageInPage({ keys, area }: { keys: string | string[]; area: StorageArea }): Promise<Record<string, unknown>> {
  return browser.storage[area].get(keys);
}
