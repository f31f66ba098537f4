import { openExistingLog } from '../store/open-existing-log';

/**
 * The popup's log opening, started by a tiny classic script in the popup's <head>
 * (entrypoints/popup-open-log.ts) while the page is still being parsed and its module fetched:
 * the open's round trip to the browser's IndexedDB overlaps them instead of following the
 * module's start (docs/design.md §7). Kept on the popup's window under this name.
 */
const EARLY_OPENING = 'popupLogOpening';

type EarlyWindow = typeof globalThis & { [EARLY_OPENING]?: Promise<IDBDatabase | null> };

/** Started in the popup's <head>: the open goes out before any of the popup's modules run. */
export function startEarlyLogOpen(scope: typeof globalThis, factory: IDBFactory): void {
  (scope as EarlyWindow)[EARLY_OPENING] = openExistingLog(factory);
}

/**
 * The opening the <head> script started, taken once (a second paint opens its own, as the
 * first one's connection is closed after its reads); null when there was none (no early
 * script ran, e.g. in unit tests or when it failed to load).
 */
export function takeEarlyLogOpen(scope: typeof globalThis): Promise<IDBDatabase | null> | null {
  const early = scope as EarlyWindow;
  const opening = early[EARLY_OPENING] ?? null;
  delete early[EARLY_OPENING];
  return opening;
}

/**
 * The popup's log opening: the one the <head> script started, else one started now. The first
 * paint awaits it after translating the page, so the open's round trip overlaps that work.
 */
export function popupLogOpening(scope: typeof globalThis, factory: IDBFactory): Promise<IDBDatabase | null> {
  return takeEarlyLogOpen(scope) ?? openExistingLog(factory);
}
