import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { startEarlyLogOpen } from '../src/ui/popup-early-open';

// A classic script loaded from the popup's <head> before its module (MV3 allows no inline
// script): it only sends the log's open, so that round trip runs while the page is parsed and
// the popup's module fetched and run; the first paint takes the opening (docs/design.md §7).
export default defineUnlistedScript(() => startEarlyLogOpen(globalThis, indexedDB));
