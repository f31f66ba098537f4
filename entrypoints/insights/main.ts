import { extensionBrowser as browser } from '../../src/platform/extension-browser';
import { createTranslator } from '../../src/ui/i18n';
import { mountInsights } from '../../src/ui/insights-view';

// The Insights page (docs/design.md §7a) reads the daily aggregates straight from IndexedDB
// (same extension origin) and paints; the code behind Deny and Delete (the log's schemas and
// the settings) loads only when a site's row first needs it.
const t = createTranslator((name, substitutions) => browser.i18n.getMessage(name, substitutions));

const actions = (async () => {
  const [{ insightsActions }, { connectEventLog }, { settingsReaderOf }] = await Promise.all([
    import('../../src/ui/insights-actions'),
    import('../../src/store/event-log'),
    import('../../src/settings/settings-reader'),
  ]);
  return insightsActions({
    log: connectEventLog(indexedDB),
    local: browser.storage.local,
    settings: settingsReaderOf(browser.storage),
    sendMessage: (request) => browser.runtime.sendMessage(request),
  });
})();

const page = mountInsights({
  document,
  factory: indexedDB,
  actions: {
    deleteSite: async (host) => (await actions).deleteSite(host),
    denySite: async (host) => (await actions).denySite(host),
    deniedTest: async () => (await actions).deniedTest(),
  },
  t,
  locale: browser.i18n.getUILanguage(),
  search: location.search,
  replaceSearch: (search) => history.replaceState(null, '', search),
});
void page.refresh();
