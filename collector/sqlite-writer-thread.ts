// The SQLite writer thread (docs/design.md §9): owns the connection that appends batches and
// prunes, so a commit — its B-tree work and its fsync — runs beside the thread that parses and
// validates requests instead of holding it.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteConnection, SqliteBatchWriter, type WriteBatch } from './sqlite-batch-writer';
import { toWriterError, type FromWriter, type ToWriter, type WriterResult } from './sqlite-writer-protocol';
import { TurnBatcher } from './turn-batcher';

const port = parentPort!;
const db = openSqliteConnection((workerData as { file: string }).file);
const writer = new SqliteBatchWriter(db);
const prune = db.prepare<[string]>('DELETE FROM events WHERE received_at < ?');
const ping = db.prepare('SELECT 1');

function send(message: FromWriter): void {
  port.postMessage(message);
}

// What arrived while the previous group committed is the next group.
const appends = new TurnBatcher<{ id: number; batch: WriteBatch }>((items) => {
  const outcomes = writer.commit(items.map(({ batch }) => batch));
  const results: WriterResult[] = items.map(({ id }, i) => {
    const outcome = outcomes[i]!;
    return 'stored' in outcome ? { id, value: outcome.stored } : { id, error: toWriterError(outcome.error) };
  });
  send({ kind: 'results', results, stats: writer.stats });
});

port.on('message', (message: ToWriter) => {
  switch (message.kind) {
    case 'append':
      message.batches.forEach((batch, i) => appends.push({ id: message.ids[i]!, batch }));
      break;
    case 'prune': {
      appends.flush();
      let result: WriterResult;
      try {
        result = { id: message.id, value: prune.run(message.cutoff).changes };
      } catch (error) {
        result = { id: message.id, error: toWriterError(error) };
      }
      send({ kind: 'results', results: [result], stats: writer.stats });
      break;
    }
    case 'ping': {
      let result: WriterResult;
      try {
        ping.get();
        result = { id: message.id, value: 0 };
      } catch (error) {
        result = { id: message.id, error: toWriterError(error) };
      }
      send({ kind: 'results', results: [result], stats: writer.stats });
      break;
    }
    case 'close':
      appends.flush();
      db.close();
      send({ kind: 'closed' });
      port.close();
      break;
  }
});
