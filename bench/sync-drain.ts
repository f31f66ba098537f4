// Drains a backlog of 10,000 pending events to the real collector (HTTP on 127.0.0.1, a real
// SQLite file) with the extension's sync engine, and prints events/s and requests made.
// The log is fake-indexeddb in Node: the browser's IndexedDB is measured by the end-to-end
// capture benchmark; this one measures batching, HTTP and the collector.
// idb checks values against the IndexedDB globals: install fake-indexeddb's.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector } from '../collector/start';
import type { RecordedEvent } from '../src/model/activity-event';
import { uuidv7 } from '../src/model/event-id';
import { openEventLog } from '../src/store/event-log';
import { createSync } from '../src/sync/sync-engine';
import { SYNC_STATUS, type SyncStatus } from '../src/settings/stored-items';

const BACKLOG = 10_000;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sync-drain-bench-'));
  const collector = await startCollector({ port: 0, dbFile: join(dir, 'events.sqlite') });
  try {
    const log = await openEventLog(new IDBFactory());
    const start = Date.UTC(2026, 10, 27, 9, 0, 0);
    const events: RecordedEvent[] = Array.from({ length: BACKLOG }, (_, i) => ({
      id: uuidv7(start + i * 1000),
      action: 'VIEW',
      timestamp: new Date(start + i * 1000).toISOString(),
      url: `https://intranet.example.com/wiki/page-${i}?section=${i % 17}`,
      params: { duration: i % 300, title: `Design review notes, part ${i}`, referrer: 'https://intranet.example.com/wiki/' },
    }));
    for (let i = 0; i < events.length; i += 1000) await log.append(events.slice(i, i + 1000));

    let status: SyncStatus = SYNC_STATUS.parse(undefined);
    const sync = createSync({
      log,
      fetch,
      loadConfig: async () => ({
        enabled: true,
        endpointUrl: collector.activityUrl,
        token: collector.token!,
        limits: { maxEvents: 100, maxBytes: 512 * 1024 },
      }),
      loadStatus: async () => status,
      saveStatus: async (next) => {
        status = next;
      },
    });
    const began = performance.now();
    const report = await sync.run();
    const seconds = (performance.now() - began) / 1000;
    const stored = collector.store.count();
    console.log(
      `sync drain: ${report.sent} of ${BACKLOG} events in ${seconds.toFixed(2)} s = ${Math.round(report.sent / seconds)} events/s, ` +
        `${report.requests} requests, outcome ${report.outcome}, stored at the collector ${stored}`,
    );
    if (report.sent !== BACKLOG || stored !== BACKLOG) process.exitCode = 1;
  } finally {
    await collector.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
