import type { SendRequest } from './protocol';

/**
 * The pages' side of the router (docs/design.md §7): `ask` delivers a message and resolves
 * with the background's reply, which `routeRequests` produced with the handler typed for that
 * request. Kept apart from the schemas, so the popup's first paint loads no zod.
 */
export function requestSender(ask: (message: unknown) => Promise<unknown>): SendRequest {
  return (request) => ask(request) as never;
}
