import type Browser from 'webextension-polyfill';
import type { ManagedPolicy } from '../settings/managed-settings';
import { readSettings, readToken, SETTINGS_KEY, TOKEN_KEY } from '../settings/settings-store';
import type { EventLog } from '../store/event-log';
import { describeConnection, testConnection } from './connection-test';
import { localizePage, type Translate } from './i18n';
import {
  endpointMessage,
  needsHostPermission,
  OPTIONS_FIELDS,
  originPattern,
  toOptionsInput,
  validateOptions,
  type OptionsField,
  type OptionsInput,
} from './options-form';

/**
 * What an administrator set through managed storage (docs/design.md §8, `managed-settings.ts`):
 * each locked field is shown read-only with the policy's value and never saved from the form.
 */
export type ReadManagedPolicy = () => Promise<Pick<ManagedPolicy, 'locked'>>;

export interface OptionsDeps {
  document: Document;
  local: Pick<Browser.Storage.StorageArea, 'get' | 'set' | 'remove'>;
  openLog: () => Promise<Pick<EventLog, 'countByState' | 'droppedCount' | 'close'>>;
  fetch: typeof fetch;
  /**
   * Asks for host access to the endpoint. Called synchronously from the Save click, so the
   * browser sees the user gesture it requires (a prompt the user answers, or at once if granted).
   */
  requestHostPermission: (originPattern: string) => Promise<boolean>;
  readPolicy: ReadManagedPolicy;
  t: Translate;
  locale?: string;
}

type Control = HTMLInputElement | HTMLTextAreaElement;

/**
 * The options page (docs/design.md §8). Test hooks on `<body>`: `data-loaded` once the form shows the
 * stored settings, `data-saved` (`ok` or `invalid`) after Save, `data-connection` after
 * "Test connection" (the status code, or `network` / `timeout`).
 */
export function mountOptions(deps: OptionsDeps): Promise<void> {
  const { document: doc, local, t, locale } = deps;
  const form = doc.getElementById('options') as HTMLFormElement;
  const control = (name: OptionsField) => form.elements.namedItem(name) as Control;
  const isCheckbox = (name: OptionsField) => control(name).type === 'checkbox';
  const saved = doc.getElementById('saved')!;
  const permission = doc.getElementById('permission')!;
  const connection = doc.getElementById('connection-result')!;
  const tokenHint = doc.getElementById('apiToken-hint')!;
  const forgetToken = doc.getElementById('forget-token') as HTMLButtonElement;
  let locked: ReadonlySet<string> = new Set();

  localizePage(doc, t);
  doc.documentElement.lang = locale ?? doc.documentElement.lang;

  function readForm(): OptionsInput {
    const entries = OPTIONS_FIELDS.map((name) => {
      const element = control(name);
      return [name, isCheckbox(name) ? (element as HTMLInputElement).checked : element.value];
    });
    return Object.fromEntries(entries) as OptionsInput;
  }

  function fillForm(values: Omit<OptionsInput, 'apiToken'>): void {
    for (const name of OPTIONS_FIELDS) {
      if (name === 'apiToken') continue;
      const element = control(name);
      if (isCheckbox(name)) (element as HTMLInputElement).checked = values[name] as boolean;
      else element.value = values[name] as string;
    }
  }

  function showErrors(errors: Partial<Record<OptionsField, string>>): void {
    for (const name of OPTIONS_FIELDS) {
      doc.getElementById(`${name}-error`)!.textContent = errors[name] ?? '';
      if (errors[name]) control(name).setAttribute('aria-invalid', 'true');
      else control(name).removeAttribute('aria-invalid');
    }
    const first = OPTIONS_FIELDS.find((name) => errors[name]);
    if (first) control(first).focus();
  }

  async function showSettings(): Promise<void> {
    // readSettings and readToken already answer with the policy's values where it sets them.
    const [settings, token, policy] = await Promise.all([
      readSettings(local),
      readToken(local),
      deps.readPolicy().catch(() => ({ locked: new Set<string>() })),
    ]);
    locked = policy.locked;
    fillForm(toOptionsInput(settings));
    for (const name of OPTIONS_FIELDS) {
      const element = control(name);
      if (!locked.has(name) || element.closest('.locked')) continue;
      // Checkboxes have no read-only state: disabled, and the hint says why.
      if (isCheckbox(name)) (element as HTMLInputElement).disabled = true;
      else element.readOnly = true;
      element.closest('.field')!.classList.add('locked');
      const hint = doc.createElement('p');
      hint.className = 'hint locked-hint';
      hint.id = `${name}-locked`;
      hint.textContent = t('lockedByAdmin');
      element.closest('.field')!.append(hint);
      element.setAttribute('aria-describedby', `${hint.id} ${element.getAttribute('aria-describedby') ?? ''}`.trim());
    }
    control('apiToken').value = '';
    // The token is never shown again once saved; only whether there is one.
    tokenHint.textContent = locked.has('apiToken') ? '' : token ? t('tokenSaved') : t('tokenNone');
    forgetToken.hidden = !token || locked.has('apiToken');
  }

  form.addEventListener('submit', (submit) => {
    submit.preventDefault();
    const result = validateOptions(readForm(), t);
    if (!result.ok) {
      showErrors(result.errors);
      saved.textContent = t('notSaved');
      doc.body.dataset.saved = 'invalid';
      return;
    }
    showErrors({});
    const { endpointUrl } = result.settings;
    // Before any await: the request must run inside the click's user gesture.
    const access = needsHostPermission(endpointUrl) ? deps.requestHostPermission(originPattern(endpointUrl)) : null;
    void (async () => {
      const { [SETTINGS_KEY]: stored } = await local.get(SETTINGS_KEY);
      // A locked field keeps the user's own stored value: the policy wins while it lasts.
      const editable = Object.fromEntries(Object.entries(result.settings).filter(([name]) => !locked.has(name)));
      await local.set({
        [SETTINGS_KEY]: { ...(stored as object | undefined), ...editable },
        ...(result.token !== null && !locked.has('apiToken') && { [TOKEN_KEY]: result.token }),
      });
      saved.textContent = t('saved');
      doc.body.dataset.saved = 'ok';
      await showSettings();
      if (access) await reportAccess(access, new URL(endpointUrl).origin);
    })().catch((error: unknown) => {
      saved.textContent = t('somethingFailed', String(error));
    });
  });

  async function reportAccess(access: Promise<boolean>, origin: string): Promise<void> {
    permission.textContent = t('permissionAsking', origin);
    try {
      permission.textContent = (await access) ? t('permissionGranted', origin) : t('permissionDenied', origin);
    } catch (error) {
      permission.textContent = t('permissionFailed', origin, error instanceof Error ? error.message : String(error));
    }
  }

  forgetToken.addEventListener('click', async () => {
    await local.remove(TOKEN_KEY);
    saved.textContent = t('tokenForgotten');
    await showSettings();
    control('apiToken').focus();
  });

  doc.getElementById('test-connection')!.addEventListener('click', async (click) => {
    const button = click.currentTarget as HTMLButtonElement;
    const endpointUrl = control('endpointUrl').value.trim();
    const problem = endpointUrl === '' ? t('errorEndpointMissing') : endpointMessage(endpointUrl, t);
    if (problem) {
      showErrors({ endpointUrl: problem });
      connection.textContent = '';
      return;
    }
    showErrors({});
    button.disabled = true;
    connection.textContent = t('connectionTesting', endpointUrl);
    try {
      // The token being typed, else the saved one: what Save would leave in place.
      const token = control('apiToken').value.trim() || (await readToken(local));
      const result = await testConnection({ fetch: deps.fetch, endpointUrl, token });
      connection.textContent = describeConnection(result, t);
      doc.body.dataset.connection = 'status' in result ? String(result.status) : result.kind;
    } finally {
      button.disabled = false;
    }
  });

  async function showLogCounts(): Promise<void> {
    const log = await deps.openLog();
    try {
      const [counts, dropped] = await Promise.all([log.countByState(), log.droppedCount()]);
      const facts: [string, number][] = [
        [t('countPending'), counts.pending],
        [t('countSent'), counts.sent],
        [t('countRejected'), counts.rejected],
        [t('countDropped'), dropped],
      ];
      doc.getElementById('log-counts')!.replaceChildren(
        ...facts.flatMap(([label, value]) => {
          const term = doc.createElement('dt');
          term.textContent = label;
          const detail = doc.createElement('dd');
          detail.textContent = value.toLocaleString(locale);
          return [term, detail];
        }),
      );
    } finally {
      log.close();
    }
  }

  void showLogCounts().catch(() => undefined);
  return showSettings().then(() => {
    doc.body.dataset.loaded = 'true';
  });
}
