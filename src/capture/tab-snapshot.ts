import type Browser from 'webextension-polyfill';
import type { TabSnapshot } from './capture-signal';

type Tabs = Pick<Browser.Tabs.Static, 'get'>;

export function toTabSnapshot(tab: Browser.Tabs.Tab): TabSnapshot | null {
  if (tab.id === undefined || tab.windowId === undefined) return null;
  return {
    id: tab.id,
    windowId: tab.windowId,
    active: tab.active,
    url: tab.url,
    title: tab.title,
    incognito: tab.incognito,
    openerTabId: tab.openerTabId,
    audible: isHeard(tab),
  };
}

/** Whether the tab plays sound the user can hear: muted autoplay does not count. */
export function isHeard(tab: Pick<Browser.Tabs.Tab, 'audible' | 'mutedInfo'>): boolean {
  return tab.audible === true && tab.mutedInfo?.muted !== true;
}

/**
 * The tab as it is now. A tab closed in the meantime is described as a background tab of no
 * window: it can never be seen, so nothing is recorded for it.
 */
export async function snapshotTab(tabs: Tabs, tabId: number): Promise<TabSnapshot> {
  try {
    const snapshot = toTabSnapshot(await tabs.get(tabId));
    if (snapshot) return snapshot;
  } catch {
    // Closed, or not a tab (devtools): fall through.
  }
  return { id: tabId, windowId: -1, active: false, incognito: false };
}

/** The tab without its page: where, not what it shows (a snapshot ahead of the queued navigations). */
export function withoutPage(tab: TabSnapshot): TabSnapshot {
  return { ...tab, url: undefined, title: undefined };
}
