import type Browser from 'webextension-polyfill';
import { browser } from 'wxt/browser';

/**
 * The extension API, typed as what it is at run time. `@wxt-dev/webextension-polyfill`
 * aliases `wxt/browser` to webextension-polyfill when building, but the import keeps WXT's
 * Chrome-flavoured types; in unit tests the same import is WXT's fakeBrowser.
 * Only entrypoints import this; logic in src/ takes the browser as a parameter.
 */
export const extensionBrowser = browser as unknown as Browser.Browser;
