import * as z from 'zod/mini';
import { integer, matches } from '../model/schema-checks';

/**
 * The daily aggregates kept beside the log (schema v3, docs/design.md §4): what the popup's
 * summary and the Insights page read, so their cost follows the days shown, not the size of
 * the log. Days are local (`src/store/local-day.ts`); seconds are whole foreground seconds.
 */

const DaySchema = z.string().check(matches(/^\d{4}-\d{2}-\d{2}$/));

/** Store `siteDays`, key `[day, host]`: one site's day. */
export const SiteDaySchema = z.object({
  day: DaySchema,
  host: z.string(),
  seconds: integer(0),
  /** Completed views that started this day. */
  views: integer(0),
  searches: integer(0),
});
export type SiteDay = z.infer<typeof SiteDaySchema>;

/** Store `pageDays`, key `[day, url]`: one page's day, with the latest title seen. */
export const PageDaySchema = z.object({
  day: DaySchema,
  url: z.string(),
  host: z.string(),
  title: z.string(),
  seconds: integer(0),
  views: integer(0),
});
export type PageDay = z.infer<typeof PageDaySchema>;

/**
 * Store `viewSpans`, key `[day, id]`: a completed view's part within one day (a view across
 * midnight has two). The timeline of a day reads these, and deleting the view's event takes
 * back exactly what they added to the totals.
 */
export const ViewSpanSchema = z.object({
  day: DaySchema,
  /** The completing VIEW's event id. */
  id: z.string(),
  host: z.string(),
  url: z.string(),
  title: z.string(),
  /** When this part began (the view's start, or the midnight it crossed). */
  start: z.number(),
  seconds: integer(0),
  /** 1 on the day the view began, 0 on a day it ran into. */
  views: z.literal([0, 1]),
});
export type ViewSpan = z.infer<typeof ViewSpanSchema>;

/** Store `searches`, key `[day, id]`: a SEARCH with its terms. */
export const SearchMadeSchema = z.object({
  day: DaySchema,
  id: z.string(),
  host: z.string(),
  url: z.string(),
  query: z.string(),
  at: z.number(),
});
export type SearchMade = z.infer<typeof SearchMadeSchema>;

/** One page's total over a stretch of days, with the latest title seen in it. */
export const PageTotalSchema = z.object({
  url: z.string(),
  host: z.string(),
  title: z.string(),
  seconds: integer(0),
  views: integer(0),
});
export type PageTotal = z.infer<typeof PageTotalSchema>;

/**
 * Store `pageMonths` (schema v4), key `month` (`YYYY-MM`): the page totals of a calendar
 * month's days up to `through`, summed once by the Insights page from `pageDays`
 * (docs/design.md §4, "Month summaries") so that a month's pages table reads one record
 * instead of a page a day. `seconds` and `views` are the sums of the same days' `siteDays`
 * when it was made: a fold into those days since (only ever adds) makes them differ, and the
 * summary is made again. Deletions and retention remove the months they change.
 */
export const PageMonthSchema = z.object({
  month: z.string().check(matches(/^\d{4}-\d{2}$/)),
  through: DaySchema,
  seconds: integer(),
  views: integer(),
  pages: z.array(PageTotalSchema),
});
export type PageMonth = z.infer<typeof PageMonthSchema>;
