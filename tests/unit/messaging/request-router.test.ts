import { describe, expect, it } from 'vitest';
import type { RequestHandlers } from '../../../src/messaging/protocol';
import { routeRequests } from '../../../src/messaging/request-router';
import { requestSender } from '../../../src/messaging/request-sender';
import { SYNC_STATUS } from '../../../src/settings/stored-items';

function table(calls: unknown[]): RequestHandlers {
  return {
    syncNow: async (request) => {
      calls.push(request);
      return { outcome: 'done', sent: 0, rejected: 0, requests: 0, status: SYNC_STATUS.parse({}) };
    },
    logChanged: async (request) => (calls.push(request), null),
    importHistory: async (request) => (calls.push(request), null),
    cancelImport: async (request) => (calls.push(request), null),
  };
}

describe('request router', () => {
  it('answers "Sync now" from the popup with its handler, and ignores unknown messages', async () => {
    const calls: unknown[] = [];
    const route = routeRequests(table(calls));
    expect(await route({ type: 'syncNow' })).toMatchObject({ outcome: 'done' });
    await expect(route({ type: 'formatDisk' })).rejects.toThrow('not a request');
    await expect(route('syncNow')).rejects.toThrow('not a request');
    await expect(route(null)).rejects.toThrow('not a request');
    expect(calls).toEqual([{ type: 'syncNow' }]);
  });

  it('hands each request to its own handler, checked against its schema', async () => {
    const calls: unknown[] = [];
    const route = routeRequests(table(calls));
    expect(await route({ type: 'importHistory', days: 30 })).toBeNull();
    await expect(route({ type: 'importHistory', days: 31 })).rejects.toThrow('not a request');
    // A key of Object.prototype is no request type.
    await expect(route({ type: 'toString' })).rejects.toThrow('not a request');
    expect(await route({ type: 'cancelImport' })).toBeNull();
    expect(calls).toEqual([{ type: 'importHistory', days: 30 }, { type: 'cancelImport' }]);
  });

  it('gives the page the reply its handler produced', async () => {
    const send = requestSender(routeRequests(table([])));
    const report = await send({ type: 'syncNow' });
    expect(report.outcome).toBe('done');
    expect(await send({ type: 'logChanged' })).toBeNull();
  });
});
