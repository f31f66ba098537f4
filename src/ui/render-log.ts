import type { Translate } from './i18n';
import type { LogRowView } from './log-row';

export type RowAction = 'delete-row' | 'delete-site';

/** Localized name of a wire action (`VIEW` → "View"); an unknown one shows as it is. */
export function actionLabel(action: string, t: Translate): string {
  switch (action) {
    case 'VIEW':
      return t('actionView');
    case 'SEARCH':
      return t('actionSearch');
    case 'HISTORICAL_VIEW':
      return t('actionHistoricalView');
    case 'HISTORICAL_SEARCH':
      return t('actionHistoricalSearch');
    case 'EDIT':
      return t('actionEdit');
    case 'COMMENT':
      return t('actionComment');
    case 'CRAWL':
      return t('actionCrawl');
    default:
      return action;
  }
}

function stateLabel(state: LogRowView['state'], t: Translate): string {
  if (state === 'sent') return t('stateSent');
  return state === 'rejected' ? t('stateRejected') : t('statePending');
}

/**
 * Renders the log as a list, newest first. Titles and URLs come from arbitrary pages, so every
 * value is set as text, never as HTML. Each row carries its buttons ("Delete", "Delete site");
 * `data-row-action` tells the list's one click handler which was pressed.
 */
export function renderLog(list: HTMLElement, rows: readonly LogRowView[], t: Translate): void {
  const doc = list.ownerDocument;
  list.setAttribute('role', 'list');
  list.replaceChildren(...rows.map((row) => renderRow(doc, row, t)));
}

function renderRow(doc: Document, row: LogRowView, t: Translate): HTMLLIElement {
  const item = doc.createElement('li');
  item.setAttribute('role', 'listitem');
  item.className = `log-row state-${row.state}`;
  item.dataset.seq = String(row.seq);

  const body = doc.createElement('div');
  body.className = 'row-body';
  const title = doc.createElement('span');
  title.className = 'title';
  title.textContent = row.title;
  title.title = row.url;

  const meta = doc.createElement('span');
  meta.className = 'meta';
  const time = doc.createElement('time');
  time.textContent = row.when;
  time.title = row.exactTime;
  time.dateTime = row.isoTime;
  const mark = doc.createElement('span');
  mark.className = 'mark';
  mark.textContent = stateLabel(row.state, t);
  meta.append(`${row.host} · ${actionLabel(row.action, t)} · `, time);
  if (row.duration) meta.append(` · ${row.duration}`);
  meta.append(' · ', mark);
  body.append(title, meta);
  if (row.rejection !== undefined) {
    const rejection = doc.createElement('span');
    rejection.className = 'rejection';
    rejection.textContent = t('rejectedBecause', row.rejection);
    mark.title = rejection.textContent;
    body.append(rejection);
  }

  const actions = doc.createElement('div');
  actions.className = 'row-actions';
  const button = (action: RowAction, text: string, label: string) => {
    const element = doc.createElement('button');
    element.type = 'button';
    element.dataset.rowAction = action;
    element.textContent = text;
    element.setAttribute('aria-label', label);
    return element;
  };
  actions.append(
    button('delete-row', t('deleteRow'), t('deleteRowLabel', row.title)),
    button('delete-site', t('deleteSite'), t('deleteSiteLabel', row.host)),
  );
  item.append(body, actions);
  return item;
}
