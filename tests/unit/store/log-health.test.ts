import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { logHealthRecorder, logNeedsAttention, writeFailureCause } from '../../../src/store/log-health';
import { LOG_HEALTH } from '../../../src/settings/stored-items';

describe('writeFailureCause', () => {
  it('names a full disk, a newer log and other failures, with the browser\'s words where they help (the popup words them)', () => {
    expect(writeFailureCause(new DOMException('Quota exceeded', 'QuotaExceededError'))).toEqual({ reason: 'diskFull', detail: null });
    expect(writeFailureCause(new DOMException('version 3 < 4', 'VersionError'))).toEqual({ reason: 'newerLog', detail: null });
    expect(writeFailureCause(new DOMException('I/O error', 'UnknownError'))).toEqual({ reason: 'unwritable', detail: 'I/O error' });
    expect(writeFailureCause(new DOMException('The transaction was aborted, so the request cannot be fulfilled.', 'AbortError'))).toEqual({
      reason: 'unwritable',
      detail: expect.stringMatching(/^The transaction was aborted/),
    });
    expect(writeFailureCause('odd')).toEqual({ reason: 'failed', detail: 'odd' });
    // What Chromium says when the disk under the profile is full (seen end to end).
    const chromiumDiskFull = new DOMException(
      'Connection is closing because of: IO error: .../000003.log: FILE_ERROR_NO_SPACE (ChromeMethodBFE: 3::WritableFileAppend::8)',
      'UnknownError',
    );
    expect(writeFailureCause(chromiumDiskFull)).toEqual({ reason: 'diskFull', detail: null });
  });
});

describe('logHealthRecorder', () => {
  it('counts failed writes, keeps when they began, and clears the failure once the events are written', async () => {
    fakeBrowser.reset();
    let now = 1_000;
    const recorder = logHealthRecorder(fakeBrowser.storage.session, () => now);
    const read = async () => LOG_HEALTH.parse((await fakeBrowser.storage.session.get(LOG_HEALTH.key))[LOG_HEALTH.key]);
    const full = new DOMException('Quota exceeded', 'QuotaExceededError');
    await recorder.failing(full, 2);
    now = 5_000;
    await recorder.failing(full, 4);
    expect(await read()).toEqual({
      failing: true,
      reason: 'diskFull',
      detail: null,
      waiting: 4,
      failedWrites: 2,
      since: 1_000,
      discardedSince: null,
    });
    // The log's reopening then fails with a vaguer error: the full disk stays the reason.
    await recorder.failing(new DOMException('Internal error opening backing store for indexedDB.open.', 'UnknownError'), 5);
    expect(await read()).toMatchObject({ reason: 'diskFull', detail: null, waiting: 5, failedWrites: 3 });
    await recorder.recovered();
    expect(await read()).toEqual({ failing: false, reason: null, detail: null, waiting: 0, failedWrites: 3, since: null, discardedSince: null });
    // A new failure is described afresh.
    await recorder.failing(new DOMException('I/O error', 'UnknownError'), 1);
    expect(await read()).toMatchObject({ reason: 'unwritable', detail: 'I/O error' });
  });

  it('keeps that the browser discarded the log through later failures and recoveries, and the badge asks for attention', async () => {
    fakeBrowser.reset();
    const recorder = logHealthRecorder(fakeBrowser.storage.session, () => 9_000);
    const read = async () => LOG_HEALTH.parse((await fakeBrowser.storage.session.get(LOG_HEALTH.key))[LOG_HEALTH.key]);
    expect(logNeedsAttention(await read())).toBe(false);
    await recorder.discarded(1_000);
    expect(await read()).toMatchObject({ failing: false, discardedSince: 1_000 });
    expect(logNeedsAttention(await read())).toBe(true);
    await recorder.failing(new DOMException('quota', 'QuotaExceededError'), 1);
    await recorder.recovered();
    expect(await read()).toMatchObject({ failing: false, discardedSince: 1_000 });
  });
});
