import { defineWebExtConfig } from 'wxt';

// WXT's dev runner starts Chromium as root without --no-sandbox and crashes here;
// the build is loaded by the tests (tests/e2e) or by hand instead.
export default defineWebExtConfig({ disabled: true });
