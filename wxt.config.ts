import { defineConfig } from 'wxt';

// One manifest for both browsers; the differences are spelled out where they are.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  // Explicit imports everywhere: a reader sees where `browser` and `defineBackground` come from.
  imports: false,
  manifestVersion: 3,
  manifest: ({ browser }) => ({
    name: 'Activity Logger',
    description:
      'Keeps a private, searchable log of the pages you read and can send it to a Glean-compatible endpoint.',
    // Nothing broader than what the code uses today (design.md §6): no host permissions.
    permissions: ['storage', 'tabs', 'webNavigation', 'alarms', 'idle'],
    action: { default_title: 'Activity Logger' },
    ...(browser === 'firefox' && {
      browser_specific_settings: {
        gecko: {
          id: 'activity-logger@activity-logger.dev',
          // data_collection_permissions is understood from Firefox 140 on (AMO asks for it).
          strict_min_version: '140.0',
          data_collection_permissions: {
            required: ['browsingActivity', 'searchTerms'],
          },
        },
        // Firefox for Android learned data_collection_permissions in 142.
        gecko_android: { strict_min_version: '142.0' },
      },
    }),
  }),
  zip: {
    artifactTemplate: '{{name}}-{{version}}-{{browser}}-{{manifestVersion}}.zip',
    sourcesTemplate: '{{name}}-{{version}}-sources.zip',
    excludeSources: ['.output/**', 'test-results/**', '.cache/**'],
  },
});
