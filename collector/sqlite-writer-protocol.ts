import type { GroupCommitStats, WriteBatch } from './sqlite-batch-writer';

/** What the collector's thread sends its SQLite writer thread (docs/design.md §9). */
export type ToWriter =
  | { kind: 'append'; ids: number[]; batches: WriteBatch[] }
  | { kind: 'prune'; id: number; cutoff: string }
  /** Answered once the thread's connection is open and answers a query: the store's liveness check. */
  | { kind: 'ping'; id: number }
  | { kind: 'close' };

/** An error as it crosses threads: structured clone keeps an Error's message but not its `code`. */
export interface WriterError {
  message: string;
  code?: string | undefined;
}

export type WriterResult = { id: number; value: number } | { id: number; error: WriterError };

export type FromWriter = { kind: 'results'; results: WriterResult[]; stats: GroupCommitStats } | { kind: 'closed' };

export function toWriterError(error: unknown): WriterError {
  const code = (error as { code?: unknown }).code;
  return { message: error instanceof Error ? error.message : String(error), code: typeof code === 'string' ? code : undefined };
}

export function fromWriterError({ message, code }: WriterError): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}
