// The collector's public surface for tests, benchmarks and anything else that embeds it.
export { startCollector, openStore, type RunningCollector, type StartCollectorOptions } from './start';
export { createCollectorServer, HEALTH_PATH, type CollectorServerOptions } from './server';
export type { EventPage, EventQuery, EventStore, InsertResult, StoredEvent, TokenRecord } from './event-store';
export { SqliteEventStore } from './sqlite-store';
export { PostgresEventStore } from './postgres-store';
export {
  ACTIVITY_PATH,
  type ActivityAccepted,
  type ActivityInterceptor,
  type InterceptResult,
} from './activity-route';
export { EVENTS_PATH, type EventsPage } from './events-route';
export { createAuthenticator, generateToken, hashToken, type Principal } from './auth';
export { loadConfig, type CollectorConfig } from './config';
