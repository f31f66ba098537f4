import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { ActionSchema } from '../src/model/activity-event';
import type { Principal } from './auth';
import type { EventQuery, EventStore, StoredEvent } from './event-store';
import { answerStoreFailure } from './activity-route';
import { sendError, sendJson } from './respond';

export const EVENTS_PATH = '/events';
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** Body of `GET /events`. */
export interface EventsPage {
  /** Newest (last received) first. */
  events: StoredEvent[];
  /** Cursor for the next, older page (`?before=`), or null on the last page. */
  nextBefore: number | null;
  /** Path and query of the next page (same filters), relative to the server root, or null. */
  next: string | null;
}

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,15}$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** Any ISO 8601 date-time (offset allowed), compared as the UTC form events carry. */
const Moment = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

const QuerySchema = z.strictObject({
  limit: wholeNumber(1, MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  before: wholeNumber(1, Number.MAX_SAFE_INTEGER).optional(),
  user: z.string().min(1).max(200).optional(),
  action: z.optional(ActionSchema),
  host: z.string().min(1).max(253).transform((value) => value.toLowerCase()).optional(),
  since: Moment.optional(),
  until: Moment.optional(),
});

const FILTERS = ['user', 'action', 'host', 'since', 'until'] as const;

/**
 * `GET <prefix>/events?limit=50&before=<seq>&user=&action=&host=&since=&until=`: what arrived,
 * newest first. The cursor is the arrival number, so a page is an index range scan whatever
 * the table's size, and rows that arrive while someone pages are never repeated or skipped
 * (they are newer than the cursor). No page counts the table.
 */
export function createEventsHandler(store: EventStore, prefix: string) {
  return async function handleEvents(url: URL, principal: Principal, res: ServerResponse): Promise<void> {
    const raw: Record<string, string> = {};
    for (const [key, value] of url.searchParams) raw[key] = value;
    const parsed = QuerySchema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) =>
        issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.join(', ')}` : `${issue.path.join('.')}: ${issue.message}`,
      );
      sendError(res, 400, `invalid query: ${problems.join('; ')}`);
      return;
    }
    const query: EventQuery = parsed.data;
    // A person's token reads that person's events only; an admin token reads anyone's.
    if (!principal.admin) {
      if (query.user !== undefined && query.user !== principal.user) {
        sendError(res, 403, `this token reads only the events of ${JSON.stringify(principal.user)}`);
        return;
      }
      query.user = principal.user;
    }
    let page;
    try {
      page = await store.readPage(query);
    } catch (error) {
      answerStoreFailure(res, error, true);
      return;
    }
    let next: string | null = null;
    if (page.nextBefore !== null) {
      const params = new URLSearchParams({ limit: String(query.limit) });
      for (const filter of FILTERS) {
        if (url.searchParams.has(filter)) params.set(filter, url.searchParams.get(filter)!);
      }
      params.set('before', String(page.nextBefore));
      next = `${prefix}${EVENTS_PATH}?${params.toString()}`;
    }
    const body: EventsPage = { events: page.events, nextBefore: page.nextBefore, next };
    sendJson(res, 200, body);
  };
}
