import type { Plugin } from 'vite';
import { defineConfig } from 'wxt';
import { applyLibraryCuts } from './scripts/library-cuts.ts';

/**
 * The build's answer to a library update that brings eval back: zod's eval probe and code
 * generator are cut (scripts/library-cuts.ts), and the build fails if any output chunk still
 * uses the `Function` constructor, so the bundle holds no eval at all and AMO's linter has
 * nothing to flag (DANGEROUS_EVAL).
 */
function noFunctionConstructor(): Plugin {
  return {
    name: 'activity-logger:no-function-constructor',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        // `Function` used as a value (`Function(`, `new Function`, `F = Function`), not `Function.prototype`.
        const found = /(?<![\w$.])Function(?![\w$.])/.exec(chunk.code);
        if (found) {
          const around = chunk.code.slice(Math.max(0, found.index - 60), found.index + 60);
          this.error(`${chunk.fileName} uses the Function constructor (eval): …${around}…`);
        }
      }
    },
  };
}

/**
 * `imports: false` stops WXT from declaring its auto-imports, but its unimport plugin still
 * injects them while building: a parameter named `storage` (src/store/persistent-storage.ts)
 * pulled `wxt/utils/storage` — 7 kB with a lock library, 3 kB gzipped — into the worker. The
 * hook turns the injection off; the check fails the build if a WXT auto-import shows up again.
 */
function noAutoImports(): Plugin {
  return {
    name: 'activity-logger:no-auto-imports',
    generateBundle() {
      const injected = [...this.getModuleIds()].filter((id) => /[\\/]wxt[\\/]dist[\\/]utils[\\/](?!define-background\.|define-unlisted-script\.|match-patterns\.)/.test(id));
      if (injected.length > 0) this.error(`WXT auto-imported ${injected.join(', ')}: import it explicitly, or rename the name it took for an auto-import`);
    },
  };
}

/**
 * The popup's stylesheet goes into popup.html as a `<style>`: a module script does not run
 * before every stylesheet of the page has loaded, and a separate file is one more
 * extension-resource fetch before the first paint (docs/design.md §7, bench/popup-open.ts).
 * Extension pages' CSP governs scripts, not styles, in both browsers. The build fails if the
 * popup's HTML no longer links exactly one stylesheet.
 */
function popupStylesheetInline(): Plugin {
  const page = 'entrypoints/popup/index.html';
  return {
    name: 'activity-logger:popup-stylesheet-inline',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = bundle[page];
      // The background and the CSS-only builds have no popup.
      if (!html) return;
      if (html.type !== 'asset') this.error(`${page} is not an HTML asset`);
      let inlined = 0;
      const source = String(html.source).replace(/<link rel="stylesheet"[^>]*? href="\/([^"]+\.css)"[^>]*>/g, (_tag, file: string) => {
        const css = bundle[file];
        if (!css || css.type !== 'asset') this.error(`${page} links ${file}, which the build did not make`);
        inlined++;
        delete bundle[file];
        return `<style>${String(css.source)}</style>`;
      });
      if (inlined !== 1) this.error(`${page} links ${inlined} stylesheets; popupStylesheetInline expects exactly one`);
      html.source = source;
    },
  };
}

/** `BUNDLE_SOURCEMAP=<dir> wxt build` builds with source maps into <dir> (bench/bundle-composition.mjs). */
const sourcemapDir = process.env.BUNDLE_SOURCEMAP;

// One manifest for both browsers; the differences are spelled out where they are.
export default defineConfig({
  // No webextension-polyfill: Chrome's MV3 APIs return promises and Firefox's are `browser`
  // itself; the one difference that matters, answering a message, is src/platform/message-channel.ts.
  // Explicit imports everywhere: a reader sees where `browser` and `defineBackground` come from.
  imports: false,
  hooks: {
    'config:resolved': (wxt) => {
      Object.assign(wxt.config.imports, { autoImport: false });
    },
  },
  manifestVersion: 3,
  ...(sourcemapDir && { outDir: sourcemapDir }),
  vite: () => ({ plugins: [applyLibraryCuts({ inBuild: true }), noFunctionConstructor(), noAutoImports(), popupStylesheetInline()], ...(sourcemapDir && { build: { sourcemap: true } }) }),
  manifest: ({ browser }) => ({
    // Every user-visible string comes from public/_locales/<lang>/messages.json (issue 5).
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // Nothing broader than what the code uses (docs/design.md §6): no host permissions at
    // install. History import and the endpoint's origin are asked for when first used.
    permissions: ['storage', 'tabs', 'webNavigation', 'alarms', 'idle'],
    optional_permissions: ['history'],
    optional_host_permissions: ['https://*/*', 'http://localhost/*', 'http://127.0.0.1/*', 'http://[::1]/*'],
    // What an administrator may preset and lock (storage.managed, docs/enterprise.md).
    storage: { managed_schema: 'managed_schema.json' },
    action: { default_title: '__MSG_extName__' },
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
