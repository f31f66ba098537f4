import { extensionBrowser as browser } from '../../src/platform/extension-browser';
import { messageSender } from '../../src/platform/message-channel';
import { requestSender } from '../../src/messaging/request-sender';
import { openEventLog } from '../../src/store/event-log';
import { createTranslator } from '../../src/ui/i18n';
import { settingsReaderOf } from '../../src/settings/settings-reader';
import { mountHistoryImport } from '../../src/ui/history-import-view';
import { mountOptions } from '../../src/ui/options-view';

const t = createTranslator((name, substitutions) => browser.i18n.getMessage(name, substitutions));

void mountHistoryImport({
  document,
  storage: browser.storage,
  requestHistoryPermission: () => browser.permissions.request({ permissions: ['history'] }),
  send: requestSender(messageSender((message) => browser.runtime.sendMessage(message))),
  t,
  locale: browser.i18n.getUILanguage(),
});

void mountOptions({
  document,
  local: browser.storage.local,
  openLog: () => openEventLog(indexedDB),
  fetch: (input, init) => fetch(input, init),
  requestHostPermission: (origin) => browser.permissions.request({ origins: [origin] }),
  settings: settingsReaderOf(browser.storage),
  t,
  locale: browser.i18n.getUILanguage(),
});
