// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { uuidv7 } from '../../../src/model/event-id';
import { openEventLog } from '../../../src/store/event-log';
import { popupLogOpening, startEarlyLogOpen, takeEarlyLogOpen } from '../../../src/ui/popup-early-open';
import { PAGE_SIZE, paintFirstPage } from '../../../src/ui/popup-first-paint';
import { en } from './messages';

const NOW = Date.UTC(2026, 10, 27, 12);
const html = readFileSync(resolve(process.cwd(), 'entrypoints/popup/index.html'), 'utf8');

beforeEach(() => {
  document.documentElement.innerHTML = html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<link rel="stylesheet"[^>]*>/g, '');
  takeEarlyLogOpen(globalThis);
});

describe("the popup's early log open (docs/design.md §7)", () => {
  it('is a classic script in the <head>, before the popup module', () => {
    const head = html.slice(0, html.indexOf('</head>'));
    const early = head.indexOf('<script src="/popup-open-log.js"></script>');
    expect(early).toBeGreaterThan(0);
    // A module script would be deferred to the end of the parse, which is what it is there to beat.
    expect(html.indexOf('<script type="module"')).toBeGreaterThan(early);
  });

  it('is what the first paint reads from, taken once; without it the first paint opens the log itself', async () => {
    const factory = new IDBFactory();
    const log = await openEventLog(factory, { clock: () => NOW });
    await log.append([{ id: uuidv7(NOW - 1000), action: 'VIEW', timestamp: new Date(NOW - 60_000).toISOString(), url: 'https://a.example/', params: { title: 'A', duration: 59 } }]);
    log.close();
    startEarlyLogOpen(globalThis, factory);
    const elsewhere = new IDBFactory();
    const open = vi.spyOn(elsewhere, 'open');
    await paintFirstPage(document, popupLogOpening(globalThis, elsewhere), PAGE_SIZE, en, 'en', () => NOW);
    expect(open).not.toHaveBeenCalled();
    expect(document.querySelectorAll('#log > li')).toHaveLength(1);
    expect(takeEarlyLogOpen(globalThis)).toBeNull();

    await paintFirstPage(document, popupLogOpening(globalThis, factory), PAGE_SIZE, en, 'en', () => NOW);
    expect(document.querySelectorAll('#log > li')).toHaveLength(1);
  });
});
