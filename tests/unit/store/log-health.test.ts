import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { describeWriteFailure, LOG_HEALTH_KEY, logHealthRecorder, parseLogHealth } from '../../../src/store/log-health';

describe('describeWriteFailure', () => {
  it('says what a full disk, a newer log and other failures mean', () => {
    expect(describeWriteFailure(new DOMException('Quota exceeded', 'QuotaExceededError'))).toBe(
      'The browser refused to store more data (disk full?)',
    );
    expect(describeWriteFailure(new DOMException('version 3 < 4', 'VersionError'))).toMatch(/newer version/);
    expect(describeWriteFailure(new DOMException('I/O error', 'UnknownError'))).toBe('The browser could not write to the log (I/O error)');
    expect(describeWriteFailure('odd')).toBe('Writing to the log failed (odd)');
  });
});

describe('logHealthRecorder', () => {
  it('counts failed writes, keeps when they began, and clears the failure once the events are written', async () => {
    fakeBrowser.reset();
    let now = 1_000;
    const recorder = logHealthRecorder(fakeBrowser.storage.session, () => now);
    const read = async () => parseLogHealth((await fakeBrowser.storage.session.get(LOG_HEALTH_KEY))[LOG_HEALTH_KEY]);
    const full = new DOMException('Quota exceeded', 'QuotaExceededError');
    await recorder.failing(full, 2);
    now = 5_000;
    await recorder.failing(full, 4);
    expect(await read()).toEqual({
      failing: true,
      reason: 'The browser refused to store more data (disk full?)',
      waiting: 4,
      failedWrites: 2,
      since: 1_000,
    });
    await recorder.recovered();
    expect(await read()).toEqual({ failing: false, reason: null, waiting: 0, failedWrites: 2, since: null });
  });
});
