import { connectLogDatabase } from './log-database';
import { createLogBrowsing, type LogBrowsing } from './log-browsing';
import { createRecordingLog, type EventLogOptions, type RecordingLog } from './recording-log';

export { IN_FLIGHT_LEASE_MS, DEFAULT_RETENTION, DEFAULT_SUMMARY_DAYS, connectRecordingLog } from './recording-log';
export type { AppendOptions, EventLogOptions, PruneResult, Rejection, RecordingLog, RetentionPolicy } from './recording-log';
export type { LogBrowsing, SearchPage } from './log-browsing';

/** The whole durable log (docs/design.md §4): what the background does with it, and what the user does. */
export type EventLog = RecordingLog & LogBrowsing;

/**
 * The whole log in the given IndexedDB, usable at once: the database opens (created or
 * upgraded) in the background and every call waits for it. A worker's listeners can so be
 * registered synchronously and still write to the log. An open that fails is not kept: the
 * next call opens again (a transient failure must not fail every write until the worker
 * restarts), and so does a call after the browser closed the connection.
 */
export function connectEventLog(factory: IDBFactory, { clock = Date.now, fold, ...options }: EventLogOptions = {}): EventLog {
  const database = connectLogDatabase(factory, options);
  return { ...createRecordingLog(database, clock, fold), ...createLogBrowsing(database) };
}

/** Like `connectEventLog`, resolving once the database is open (or failing if it cannot be). */
export async function openEventLog(factory: IDBFactory, options: EventLogOptions = {}): Promise<EventLog> {
  const log = connectEventLog(factory, options);
  await log.countByState();
  return log;
}

