import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { runAlarms } from '../../../src/platform/alarm-table';

beforeEach(() => fakeBrowser.reset());

describe('runAlarms', () => {
  it('runs the job named by each alarm, and nothing for an alarm no job names', async () => {
    const ran: string[] = [];
    runAlarms(fakeBrowser.alarms.onAlarm, { a: () => ran.push('a'), b: () => ran.push('b') });
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'b', scheduledTime: 0 } as never);
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'left-by-an-old-version', scheduledTime: 0 } as never);
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'toString', scheduledTime: 0 } as never);
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'a', scheduledTime: 0 } as never);
    expect(ran).toEqual(['b', 'a']);
  });
});
