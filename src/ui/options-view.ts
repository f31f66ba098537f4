import { entry, patchedEntry, removeItems, setItems, type StoredArea } from '../platform/stored-item';
import type { SettingsReader } from '../settings/settings-reader';
import { originOf } from '../settings/settings-store';
import { API_TOKEN, API_TOKEN_ORIGIN, SETTINGS } from '../settings/stored-items';
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

export interface OptionsDeps {
  document: Document;
  local: StoredArea;
  openLog: () => Promise<Pick<EventLog, 'countByState' | 'droppedCount' | 'close'>>;
  fetch: typeof fetch;
  /**
   * Asks for host access to the endpoint. Called synchronously from the Save click, so the
   * browser sees the user gesture it requires (a prompt the user answers, or at once if granted).
   */
  requestHostPermission: (originPattern: string) => Promise<boolean>;
  /**
   * The settings in force and the policy (read once): each field an administrator locked is
   * shown read-only with the policy's value and never saved from the form (docs/design.md §8).
   */
  settings: Pick<SettingsReader, 'settings' | 'policy' | 'savedToken' | 'tokenFor' | 'onChange'>;
  t: Translate;
  locale?: string;
}

type Control = HTMLInputElement | HTMLTextAreaElement;

/**
 * The options page (docs/design.md §8). Until the form shows the stored settings it says it is
 * loading and cannot be edited or saved; a field the user changed is never overwritten by a
 * late read. Test hooks on `<body>`: `data-loaded` once the form shows the stored settings, `data-saved` (`ok` or `invalid`) after Save, `data-connection` after
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
  /** Fields the user changed since the form was last filled: a late fill leaves them alone. */
  const edited = new Set<OptionsField>();
  /** The saved token's origin, when a token is saved: the hint follows the endpoint being typed. */
  let tokenOrigin: string | null | undefined;
  /** Set by Save when the saved token was removed because the endpoint's origin changed. */
  let removedFor: { from: string } | null = null;
  let tokenWithoutEndpoint = false;

  localizePage(doc, t);
  doc.documentElement.lang = locale ?? doc.documentElement.lang;

  // Nothing can be typed or saved before the stored values are in the form.
  const fieldsets = [...form.querySelectorAll('fieldset'), ...form.querySelectorAll<HTMLButtonElement>('button[type="submit"]')];
  for (const part of fieldsets) part.disabled = true;
  form.setAttribute('aria-busy', 'true');
  saved.textContent = t('optionsLoading');
  form.addEventListener('input', (input) => {
    const name = (input.target as Control).name as OptionsField;
    if ((OPTIONS_FIELDS as readonly string[]).includes(name)) edited.add(name);
    if (name === 'endpointUrl' || name === 'apiToken') showTokenHint();
  });

  function readForm(): OptionsInput {
    const entries = OPTIONS_FIELDS.map((name) => {
      const element = control(name);
      return [name, isCheckbox(name) ? (element as HTMLInputElement).checked : element.value];
    });
    return Object.fromEntries(entries) as OptionsInput;
  }

  function fillForm(values: Omit<OptionsInput, 'apiToken'>): void {
    for (const name of OPTIONS_FIELDS) {
      if (name === 'apiToken' || (edited.has(name) && !locked.has(name))) continue;
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

  /** What the token field's hint says: a saved token, none, or that this endpoint needs its own. */
  function showTokenHint(): void {
    const policyNote = tokenWithoutEndpoint ? t('tokenPolicyWithoutEndpoint') : '';
    let note: string;
    if (locked.has('apiToken')) note = '';
    else {
      const endpointOrigin = originOf(control('endpointUrl').value.trim());
      const typing = control('apiToken').value.trim() !== '';
      if (removedFor && !typing && endpointOrigin) note = t('tokenRemovedForOrigin', endpointOrigin, removedFor.from);
      else if (tokenOrigin !== undefined && !typing && endpointOrigin && tokenOrigin !== endpointOrigin) note = t('tokenNewOrigin', endpointOrigin);
      else note = tokenOrigin !== undefined ? t('tokenSaved') : t('tokenNone');
    }
    tokenHint.textContent = [policyNote, note].filter(Boolean).join(' ');
  }

  async function showSettings(): Promise<void> {
    // The reader answers with the policy's values where it sets them; the policy is read once.
    const [settings, saved, policy] = await Promise.all([
      deps.settings.settings(),
      deps.settings.savedToken(),
      deps.settings.policy().catch(() => ({ locked: new Set<string>(), tokenWithoutEndpoint: undefined })),
    ]);
    locked = policy.locked;
    tokenWithoutEndpoint = policy.tokenWithoutEndpoint === true;
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
    if (!edited.has('apiToken')) control('apiToken').value = '';
    // The token is never shown again once saved; only whether there is one.
    tokenOrigin = saved === null ? undefined : saved.origin;
    showTokenHint();
    forgetToken.hidden = saved === null || locked.has('apiToken');
  }

  form.addEventListener('submit', (submit) => {
    submit.preventDefault();
    if (!doc.body.dataset.loaded) return;
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
      const [policy, savedToken] = await Promise.all([deps.settings.policy(), deps.settings.savedToken()]);
      // A locked field keeps the user's own stored value: the policy wins while it lasts.
      const editable = Object.fromEntries(Object.entries(result.settings).filter(([name]) => !locked.has(name)));
      // A token belongs to the origin it is saved for (docs/design.md §5): a new one is saved
      // for the endpoint in force; an old one for another origin is removed, never carried over.
      const origin = originOf(policy.settings.endpointUrl ?? endpointUrl) ?? '';
      const newToken = result.token !== null && !locked.has('apiToken');
      const stale = !newToken && savedToken !== null && savedToken.origin !== (origin || null);
      if (stale) await removeItems({ local }, [API_TOKEN, API_TOKEN_ORIGIN]);
      // One write, so whoever follows the settings sees one change. The stored fields a
      // locked field keeps are left as they are.
      await setItems({ local }, [
        await patchedEntry({ local }, SETTINGS, editable),
        ...(newToken ? [entry(API_TOKEN, result.token!), entry(API_TOKEN_ORIGIN, origin)] : []),
        // A token saved before origins were kept is the endpoint's it was saved with.
        ...(!newToken && !stale && savedToken !== null ? [entry(API_TOKEN_ORIGIN, origin)] : []),
      ]);
      removedFor = stale && savedToken.origin !== null ? { from: savedToken.origin } : null;
      saved.textContent = t('saved');
      doc.body.dataset.saved = 'ok';
      edited.clear();
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
    await removeItems({ local }, [API_TOKEN, API_TOKEN_ORIGIN]);
    removedFor = null;
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
      // The token being typed, else the saved one only if it belongs to this URL's origin
      // (a policy token only to the policy's endpoint): a typed URL never gets a token meant elsewhere.
      const token = control('apiToken').value.trim() || (await deps.settings.tokenFor(endpointUrl));
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
  // A policy that arrives or changes later fills what the user has not changed.
  deps.settings.onChange(() => {
    if (doc.body.dataset.loaded) void showSettings().catch(() => undefined);
  });
  return showSettings().then(() => {
    for (const part of fieldsets) part.disabled = false;
    form.removeAttribute('aria-busy');
    if (saved.textContent === t('optionsLoading')) saved.textContent = '';
    doc.body.dataset.loaded = 'true';
  });
}
