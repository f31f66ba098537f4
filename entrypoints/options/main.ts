import { extensionBrowser as browser } from '../../src/platform/extension-browser';
import { readSettings, readToken, SETTINGS_KEY, TOKEN_KEY } from '../../src/settings/settings-store';
import { openEventLog } from '../../src/store/event-log';
import { validateOptions, type OptionsField } from '../../src/ui/options-form';

const local = browser.storage.local;
const form = document.getElementById('options') as HTMLFormElement;
const field = (name: OptionsField) => form.elements.namedItem(name) as HTMLInputElement;
const FIELDS: OptionsField[] = ['endpointUrl', 'apiToken', 'syncEnabled'];

async function showSettings(): Promise<void> {
  const [settings, token] = await Promise.all([readSettings(local), readToken(local)]);
  field('endpointUrl').value = settings.endpointUrl;
  field('syncEnabled').checked = settings.syncEnabled;
  field('apiToken').value = '';
  // The token is never shown again once saved; only whether there is one.
  document.getElementById('apiToken-state')!.textContent = token
    ? 'A token is saved. Type a new one to replace it.'
    : 'No token saved.';
}

function showErrors(errors: Partial<Record<OptionsField, string>>): void {
  for (const name of FIELDS) {
    const message = document.getElementById(`${name}-error`);
    if (!message) continue;
    message.textContent = errors[name] ?? '';
    field(name).setAttribute('aria-invalid', String(Boolean(errors[name])));
  }
}

form.addEventListener('submit', async (submit) => {
  submit.preventDefault();
  const saved = document.getElementById('saved')!;
  const result = validateOptions({
    endpointUrl: field('endpointUrl').value,
    apiToken: field('apiToken').value,
    syncEnabled: field('syncEnabled').checked,
  });
  if (!result.ok) {
    showErrors(result.errors);
    saved.textContent = 'Not saved: correct the fields marked above.';
    return;
  }
  showErrors({});
  const { [SETTINGS_KEY]: stored } = await local.get(SETTINGS_KEY);
  await local.set({
    [SETTINGS_KEY]: { ...(stored as object | undefined), ...result.settings },
    ...(result.token !== null && { [TOKEN_KEY]: result.token }),
  });
  saved.textContent = 'Saved.';
  await showSettings();
});

async function showLogCounts(): Promise<void> {
  const log = await openEventLog(indexedDB);
  const [counts, dropped] = await Promise.all([log.countByState(), log.droppedCount()]);
  const facts: [string, number][] = [
    ['Pending', counts.pending],
    ['Sent', counts.sent],
    ['Rejected', counts.rejected],
    ['Dropped (over the cap before they were sent)', dropped],
  ];
  document.getElementById('log-counts')!.replaceChildren(
    ...facts.flatMap(([label, value]) => {
      const term = document.createElement('dt');
      term.textContent = label;
      const detail = document.createElement('dd');
      detail.textContent = value.toLocaleString();
      return [term, detail];
    }),
  );
  log.close();
}

void showSettings().then(() => {
  document.body.dataset.loaded = 'true';
});
void showLogCounts();
