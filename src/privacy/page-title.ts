import { MAX_TITLE_LENGTH } from '../model/activity-event';

/**
 * The title worth recording for a page, or undefined.
 *
 * Before a page's `<title>` is parsed, Chromium reports the page's URL as the tab's title —
 * unsanitized, with credentials, secret parameters and the fragment. Recording it would leak
 * exactly what the URL sanitizer removed, so a title that is the URL is no title.
 */
export function pageTitle(title: string | undefined, rawUrl: string): string | undefined {
  const trimmed = title?.trim();
  if (!trimmed) return undefined;
  if (looksLikeTheUrl(trimmed, rawUrl)) return undefined;
  // Half a surrogate pair is no character: JSON sends it as an escape that strict servers
  // refuse. Replacing it, and never cutting through a pair, keeps the title valid text.
  const wellFormed = trimmed.replace(LONE_SURROGATE, '\uFFFD');
  if (wellFormed.length <= MAX_TITLE_LENGTH) return wellFormed;
  const cut = /[\uD800-\uDBFF]/.test(wellFormed[MAX_TITLE_LENGTH - 1]!) ? MAX_TITLE_LENGTH - 1 : MAX_TITLE_LENGTH;
  return wellFormed.slice(0, cut);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function looksLikeTheUrl(title: string, rawUrl: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(title)) return true;
  const withoutScheme = rawUrl.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  if (title === rawUrl || title === withoutScheme) return true;
  let host = '';
  try {
    host = new URL(rawUrl).host;
  } catch {
    return false;
  }
  return host !== '' && (title === host || title.startsWith(`${host}/`) || title.includes(`@${host}`));
}
