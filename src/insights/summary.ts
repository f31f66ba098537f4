import type { PageDay, PageTotal, SiteDay } from '../store/aggregate-records';
import { addDays, dayKey, type DayKey } from '../store/local-day';

/**
 * Sums of the daily aggregates for what the popup and the Insights page show. Pure and
 * zod-free (the popup's first paint uses it).
 */

export interface SiteTotal {
  host: string;
  seconds: number;
  views: number;
  searches: number;
  /** Of the period's foreground time, 0 … 1. */
  share: number;
}

/** A page's time over a period; its title is the latest seen in the period. */
export type { PageTotal };

export interface Period {
  first: DayKey;
  last: DayKey;
}

/** Today, or the last 7 days including today, of the local calendar. */
export function periodEndingToday(days: 1 | 7, nowMs: number): Period {
  const last = dayKey(nowMs);
  return { first: addDays(last, 1 - days), last };
}

const bySecondsThenName = <T extends { seconds: number }>(name: (item: T) => string) => (a: T, b: T) =>
  b.seconds - a.seconds || name(a).localeCompare(name(b));

/** Time per site over the days given (most time first) and the total. */
export function siteTotals(days: readonly SiteDay[], period?: Period): { total: number; sites: SiteTotal[] } {
  const sites = new Map<string, SiteTotal>();
  let total = 0;
  for (const day of days) {
    if (period && (day.day < period.first || day.day > period.last)) continue;
    let site = sites.get(day.host);
    if (!site) sites.set(day.host, (site = { host: day.host, seconds: 0, views: 0, searches: 0, share: 0 }));
    site.seconds += day.seconds;
    site.views += day.views;
    site.searches += day.searches;
    total += day.seconds;
  }
  const list = [...sites.values()];
  for (const site of list) site.share = total > 0 ? site.seconds / total : 0;
  return { total, sites: list.sort(bySecondsThenName((site) => site.host)) };
}

/** Time per page over the days given, most time first; a page's title is its latest. */
export function pageTotals(days: readonly PageDay[]): PageTotal[] {
  const pages = new Map<string, PageTotal & { latest: DayKey }>();
  for (const day of days) {
    const page = pages.get(day.url);
    if (!page) {
      pages.set(day.url, { url: day.url, host: day.host, title: day.title, seconds: day.seconds, views: day.views, latest: day.day });
      continue;
    }
    page.seconds += day.seconds;
    page.views += day.views;
    if (day.day >= page.latest) {
      page.title = day.title;
      page.latest = day.day;
    }
  }
  return [...pages.values()]
    .map(({ latest: _, ...page }) => page)
    .sort(bySecondsThenName((page) => page.url));
}

const percentFormats = new Map<string, Intl.NumberFormat>();

/** "42%", "42 %" (de): a share of the period in the reader's language. */
export function formatShare(share: number, locale?: string): string {
  let format = percentFormats.get(locale ?? '');
  if (!format) percentFormats.set(locale ?? '', (format = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 })));
  return format.format(share);
}
