import type { EventLog } from './event-log';

export interface BuildOptions {
  /** Events per transaction: short enough that an append waiting behind one hardly notices. */
  chunk?: number;
  /** Between chunks: lets capture's appends (and the pages' reads) in. */
  pause?: () => Promise<void>;
}

/**
 * Adds the events recorded before schema v3 to the daily aggregates, a chunk per
 * transaction, until none are left (docs/design.md §4). Run by the background at every start:
 * after a stopped worker it goes on where the last step left off, and once done it costs one
 * read.
 */
export async function buildAggregates(
  log: Pick<EventLog, 'buildAggregatesStep'>,
  { chunk = 250, pause = () => new Promise((resolve) => setTimeout(resolve, 10)) }: BuildOptions = {},
): Promise<void> {
  while ((await log.buildAggregatesStep(chunk)) > 0) await pause();
}
