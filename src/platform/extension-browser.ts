import type Browser from 'webextension-polyfill';
import { browser } from 'wxt/browser';

/**
 * The extension API, typed as what it is at run time: `wxt/browser` is Firefox's `browser` or
 * Chrome's `chrome` (MV3: promises, no polyfill, docs/design.md §1), typed with the
 * webextension-polyfill types, which describe both; in unit tests the same import is WXT's
 * fakeBrowser. Only entrypoints import this; logic in src/ takes the browser as a parameter.
 */
export const extensionBrowser = browser as unknown as Browser.Browser;
