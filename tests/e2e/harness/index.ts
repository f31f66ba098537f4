// The end-to-end harness: one import for a test file.
export { eventually, type EventuallyOptions } from './eventually';
export { launchExtensionBrowser, ExtensionBrowser, type LaunchOptions } from './extension-browser';
export { CHROME_BUILD_DIR, requireChromeBuild, type ExtensionBuild } from './extension-build';
export {
  extensionIdOf,
  findExtensionWorker,
  readBackgroundStatus,
  waitForBackgroundReady,
} from './extension-worker';
export { CHROMIUM_BINARY, chromiumArgs, launchChromiumWithExtension } from './launch-chromium';
export { PopupPage, type PopupRow } from './popup-page';
export { stopServiceWorker } from './stop-service-worker';
export { startTestPageServer, type TestPageServer } from './test-page-server';
export { makeTempDir, removeDir } from './temp-dir';
export { withTimeout } from './with-timeout';
export { openBackgroundTab } from './background-tab';
export { captureSettled, readLog } from './read-log';
export type { PageOptions, TitleChangeOptions } from './test-page-server';
export { getExtensionStorage, setExtensionStorage } from './extension-storage';
export {
  ChromiumE2eBrowser,
  E2E_BROWSERS,
  launchE2eBrowser,
  type BrowserName,
  type E2eBrowser,
  type E2ePopup,
  type E2eTab,
  type ElementRole,
  type StorageArea,
} from './e2e-browser';
export { FirefoxExtensionBrowser, launchFirefoxExtensionBrowser } from './firefox/firefox-extension-browser';
export { FIREFOX_BINARY, launchFirefox } from './firefox/launch-firefox';
export { allowExtensionInIncognito } from './incognito';
export { grantOptionalPermissions } from './grant-permissions';
export { startXDisplay, type XDisplay } from './x-display';
export { mountSmallDisk, type SmallDisk } from './small-disk';
