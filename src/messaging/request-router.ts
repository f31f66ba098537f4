import { REQUEST_SCHEMAS, type Request, type RequestHandlers } from './protocol';

/**
 * The background's one answer to messages (docs/design.md §7): a request is parsed, then
 * handed to its handler; a message that is no request reaches none and is refused.
 */
export function routeRequests(handlers: RequestHandlers): (message: unknown) => Promise<unknown> {
  return async (message) => {
    const type = (message as { type?: unknown } | null)?.type;
    const schema = typeof type === 'string' && Object.hasOwn(REQUEST_SCHEMAS, type) ? REQUEST_SCHEMAS[type as Request['type']] : undefined;
    const parsed = schema?.safeParse(message);
    if (!parsed?.success) throw new Error('not a request the background knows');
    const request = parsed.data as Request;
    // The table's type pairs each request with its handler; TypeScript cannot narrow the pair.
    const handle = handlers[request.type] as (request: Request) => Promise<unknown>;
    return handle(request);
  };
}
