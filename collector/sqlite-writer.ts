import { Worker } from 'node:worker_threads';
import type { GroupCommitStats, WriteBatch } from './sqlite-batch-writer';
import { fromWriterError, type FromWriter, type ToWriter } from './sqlite-writer-protocol';
import { TurnBatcher } from './turn-batcher';

/** The code of the error a batch gets when the writer thread stopped before answering: retryable, nothing of it was committed unseen. */
export const WRITER_STOPPED = 'SQLITE_WRITER_STOPPED';

/** The thread's entry module (a URL object: tests swap its href for an entry that fails). */
export const THREAD_ENTRY = new URL('./sqlite-writer-boot.mjs', import.meta.url);

interface Waiting {
  resolve: (value: number) => void;
  reject: (error: unknown) => void;
}

/**
 * The collector thread's side of the SQLite writer thread (docs/design.md §9): appends handed
 * over in one turn of the event loop go as one message, and each resolves after the commit that
 * holds it. Started on first use; if the thread dies, whatever it had not answered fails with
 * WRITER_STOPPED (its transaction never committed) and the next append starts a new one.
 */
export class SqliteWriterThread {
  stats: GroupCommitStats = { commits: 0, batches: 0 };
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private closing: Promise<void> | undefined;
  private readonly outbox = new TurnBatcher<{ id: number; batch: WriteBatch }>((items) =>
    this.send({ kind: 'append', ids: items.map(({ id }) => id), batches: items.map(({ batch }) => batch) }),
  );

  constructor(private readonly file: string) {}

  append(batch: WriteBatch): Promise<number> {
    return this.request((id) => this.outbox.push({ id, batch }));
  }

  /** Deletes the events received before `cutoff` (ISO 8601) in the writer's connection. */
  prune(cutoff: string): Promise<number> {
    return this.request((id) => {
      this.outbox.flush();
      this.send({ kind: 'prune', id, cutoff });
    });
  }

  /** Resolves once the thread (started if need be) answers from its connection; rejects with WRITER_STOPPED if it cannot start. */
  async ping(): Promise<void> {
    await this.request((id) => this.send({ kind: 'ping', id }));
  }

  /** Hands over what is queued, lets the thread commit and answer it, then stops the thread. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.outbox.flush();
    const closed = new Promise<void>((resolve) => {
      worker.on('message', (message: FromWriter) => message.kind === 'closed' && resolve());
      worker.once('exit', () => resolve());
    });
    worker.postMessage({ kind: 'close' } satisfies ToWriter);
    worker.ref();
    await closed;
    await worker.terminate();
  }

  private request(hand: (id: number) => void): Promise<number> {
    if (this.closing) return Promise.reject(new Error('the SQLite store is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.started().ref();
      hand(id);
    });
  }

  private send(message: ToWriter): void {
    this.started().postMessage(message);
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(THREAD_ENTRY, { workerData: { file: this.file } });
    worker.on('message', (message: FromWriter) => {
      if (message.kind !== 'results') return;
      this.stats = message.stats;
      for (const result of message.results) {
        const waiting = this.waiting.get(result.id);
        if (!waiting) continue;
        this.waiting.delete(result.id);
        if ('value' in result) waiting.resolve(result.value);
        else waiting.reject(fromWriterError(result.error));
      }
      // An idle writer does not keep the process alive; one with work in hand does.
      if (this.waiting.size === 0) worker.unref();
    });
    worker.on('error', (error) => this.fail(worker, error));
    worker.on('exit', (code) => this.fail(worker, new Error(`the SQLite writer thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  /** Everything the stopped thread had not answered fails; a later append starts a new thread. */
  private fail(worker: Worker, cause: Error): void {
    if (this.worker !== worker) return;
    if (!this.closing) this.worker = undefined;
    const error = Object.assign(new Error(`the SQLite writer thread stopped: ${cause.message}`), { code: WRITER_STOPPED, cause });
    this.outbox.clear();
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
