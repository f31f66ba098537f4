import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { EventStore, StoredEvent } from './event-store';
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
  /** Path and query of the next page, relative to the server root, or null. */
  next: string | null;
}

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,15}$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const QuerySchema = z.object({
  limit: wholeNumber(1, MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  before: wholeNumber(1, Number.MAX_SAFE_INTEGER).optional(),
});

/** `GET <prefix>/events?limit=50&before=<seq>`: what arrived, newest first, cursor-paged. */
export function createEventsHandler(store: EventStore, prefix: string) {
  return function handleEvents(url: URL, res: ServerResponse): void {
    const parsed = QuerySchema.safeParse({
      limit: url.searchParams.get('limit') ?? undefined,
      before: url.searchParams.get('before') ?? undefined,
    });
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      sendError(res, 400, `invalid query: ${problems.join('; ')}`);
      return;
    }
    const { limit } = parsed.data;
    const page = store.page(parsed.data);
    const body: EventsPage = {
      events: page.events,
      nextBefore: page.nextBefore,
      next: page.nextBefore === null ? null : `${prefix}${EVENTS_PATH}?limit=${limit}&before=${page.nextBefore}`,
    };
    sendJson(res, 200, body);
  };
}
