import { extensionBrowser as browser } from '../../src/platform/extension-browser';
import { createTranslator } from '../../src/ui/i18n';
import { popupLogOpening } from '../../src/ui/popup-early-open';
import { PAGE_SIZE, paintFirstPage } from '../../src/ui/popup-first-paint';
import { mountSummary } from '../../src/ui/popup-summary';
import { hasAggregates, readSiteDays } from '../../src/insights/aggregate-reads';
import { openExistingLog } from '../../src/store/open-existing-log';

// The popup reads the log straight from IndexedDB (same extension origin): opening it never
// has to wake the background worker. The newest rows are painted by a small zod-free module
// first; the rest (search, export, delete, status) loads once they are on screen and takes
// over, so running its modules (the schemas) never delays the first paint's reads
// (docs/design.md §7).
performance.mark('popup:script');
const t = createTranslator((name, substitutions) => browser.i18n.getMessage(name, substitutions));
const locale = browser.i18n.getUILanguage();
const summary = mountSummary({ document, factory: indexedDB, t, locale });
// The open went out from the page's <head> (entrypoints/popup-open-log.ts), else it goes out now.
const firstPaint = paintFirstPage(document, popupLogOpening(globalThis, indexedDB), PAGE_SIZE, t, locale, Date.now, summary);
// The Insights page (docs/design.md §7a) is a tab of its own; its code never loads here.
document.getElementById('open-insights')!.addEventListener('click', () => {
  void browser.tabs.create({ url: browser.runtime.getURL('/insights.html') });
});

void firstPaint.then((painted) =>
  Promise.all([
    import('../../src/ui/popup-view'),
    import('../../src/store/event-log'),
    import('../../src/settings/settings-reader'),
    import('../../src/messaging/request-sender'),
    import('../../src/platform/message-channel'),
  ]).then(([{ mountPopup }, { connectEventLog }, { settingsReaderOf }, { requestSender }, { messageSender }]) =>
    mountPopup({
      document,
      log: connectEventLog(indexedDB),
      local: browser.storage.local,
      settings: settingsReaderOf(browser.storage),
      session: browser.storage.session,
      events: browser.storage,
      sendMessage: requestSender(messageSender((message) => browser.runtime.sendMessage(message))),
      openOptions: () => void browser.runtime.openOptionsPage(),
      t,
      locale,
      firstPage: painted.entries,
      onLogChanged: () => summary.refresh(),
      readSummaryDays: async () => {
        const db = await openExistingLog(indexedDB);
        if (!db || !hasAggregates(db)) return [];
        try {
          return await readSiteDays(db, '0000-01-01', '9999-12-31');
        } finally {
          db.close();
        }
      },
    }),
  ),
);
