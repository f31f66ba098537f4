import { extensionBrowser as browser } from '../../src/platform/extension-browser';
import { createTranslator } from '../../src/ui/i18n';
import { mountInsights, type InsightsActions } from '../../src/ui/insights-view';

// The Insights page (docs/design.md §7a) reads the daily aggregates straight from IndexedDB
// (same extension origin) and paints; the code behind Deny and Delete (the log's schemas and
// the settings) loads only when a site's row first needs it — the deny marks, asked for once
// the first range and its pages table are on screen — so loading it holds up neither.
performance.mark('insights:script');
const t = createTranslator((name, substitutions) => browser.i18n.getMessage(name, substitutions));

let loaded: Promise<InsightsActions> | undefined;
const loadActions = () => (loaded ??= (async () => {
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
})());

const page = mountInsights({
  document,
  factory: indexedDB,
  actions: {
    deleteSite: async (host) => (await loadActions()).deleteSite(host),
    denySite: async (host) => (await loadActions()).denySite(host),
    deniedTest: async () => (await loadActions()).deniedTest(),
  },
  t,
  locale: browser.i18n.getUILanguage(),
  search: location.search,
  replaceSearch: (search) => history.replaceState(null, '', search),
  mark: (step) => performance.mark(step),
});
void page.refresh();
