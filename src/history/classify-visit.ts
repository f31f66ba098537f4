import { isHostAllowed } from '../privacy/host-filter';
import { pageTitle } from '../privacy/page-title';
import { recordableUrl } from '../privacy/recordable-url';
import type { Settings } from '../settings/settings';
import type { ClassifyVisit } from './history-import';

/** History import passes the same sanitizer and allow/deny rules as live capture (docs/design.md §2). */
export function visitClassifier(settings: Settings): ClassifyVisit {
  return (rawUrl, title) => {
    const { url, query } = recordableUrl(rawUrl, settings);
    if (url === null || !isHostAllowed(url, settings)) return null;
    const recordedTitle = pageTitle(title, rawUrl);
    return query === null
      ? { action: 'HISTORICAL_VIEW', url, title: recordedTitle }
      : { action: 'HISTORICAL_SEARCH', url, title: recordedTitle, query };
  };
}
