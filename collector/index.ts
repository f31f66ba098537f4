// The collector's public surface for tests, benchmarks and anything else that embeds it.
export { startCollector, type RunningCollector, type StartCollectorOptions } from './start';
export { createCollectorServer, HEALTH_PATH, type CollectorServerOptions } from './server';
export { EventStore, type EventPage, type InsertResult, type StoredEvent } from './event-store';
export {
  ACTIVITY_PATH,
  type ActivityAccepted,
  type ActivityInterceptor,
  type InterceptResult,
} from './activity-route';
export { EVENTS_PATH, type EventsPage } from './events-route';
export { generateToken } from './auth';
export { loadConfig, type CollectorConfig } from './config';
