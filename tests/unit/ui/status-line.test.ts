import { describe, expect, it } from 'vitest';
import { writeFailureCause } from '../../../src/store/log-health';
import { LOG_HEALTH, SYNC_STATUS } from '../../../src/settings/stored-items';
import { statusLine } from '../../../src/ui/status-line';
import { en, translatorFor } from './messages';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const base = { paused: false, pending: 12, sync: SYNC_STATUS.parse(undefined), syncConfigured: true, now: NOW, locale: 'en-US' };

describe('statusLine', () => {
  it('says logging, pending and when sync last worked', () => {
    expect(statusLine({ ...base, sync: SYNC_STATUS.parse({ lastSuccessAt: NOW - 120_000 }) }, en)).toBe(
      'Logging on · 12 pending · last sync 2 min. ago',
    );
  });

  it('says paused, and that sync is off without an endpoint', () => {
    expect(statusLine({ ...base, paused: true, syncConfigured: false }, en)).toBe('Paused · 12 pending · sync off');
  });

  it('names the last error, and an auth error in words', () => {
    expect(statusLine({ ...base, sync: SYNC_STATUS.parse({ lastError: 'HTTP 500: down', state: 'idle' }) }, en)).toBe(
      'Logging on · 12 pending · never synced · last error: HTTP 500: down',
    );
    expect(
      statusLine({ ...base, sync: SYNC_STATUS.parse({ lastError: 'HTTP 500: down', state: 'backoff', nextAttemptAt: NOW + 90_000 }) }, en),
    ).toBe('Logging on · 12 pending · never synced · sync failed (HTTP 500: down), trying again in 1 min.');
    expect(statusLine({ ...base, sync: SYNC_STATUS.parse({ lastError: 'HTTP 401: wrong token', state: 'auth-error' }) }, en)).toBe(
      'Logging on · 12 pending · never synced · sync stopped: the server refused the token (HTTP 401: wrong token)',
    );
  });

  it('says that the server refuses our events, and a web page instead of the API, in words', () => {
    expect(statusLine({ ...base, sync: SYNC_STATUS.parse({ lastError: 'HTTP 400: Bad Request', state: 'refusing' }) }, en)).toBe(
      'Logging on · 12 pending · never synced · sync stopped: the server refuses our events: HTTP 400: Bad Request',
    );
    const notApi = SYNC_STATUS.parse({ lastError: 'HTTP 200: …', lastProblem: 'notApi', state: 'backoff', nextAttemptAt: NOW + 90_000 });
    expect(statusLine({ ...base, sync: notApi }, en)).toBe(
      'Logging on · 12 pending · never synced · sync failed (the endpoint answered a web page, not the activity API), trying again in 1 min.',
    );
    expect(statusLine({ ...base, sync: notApi }, translatorFor('de'))).toContain('nicht mit der Activity-API');
  });

  it('says until when a timed pause lasts, in the reader\'s language', () => {
    const line = statusLine({ ...base, paused: true, pausedUntil: NOW + 3_600_000, pending: 1234, locale: 'de-DE', syncConfigured: false }, translatorFor('de'));
    expect(line).toMatch(/^Pausiert bis 27\.11\.26, \d{2}:00:00 · 1\.234 ausstehend · Synchronisierung aus$/);
  });

  it('says first, in words, that what is recorded is not being saved, and how much waits', () => {
    const logHealth = LOG_HEALTH.parse({ failing: true, ...writeFailureCause(new DOMException('quota', 'QuotaExceededError')), waiting: 4, failedWrites: 2 });
    expect(statusLine({ ...base, logHealth }, en)).toBe(
      'Not saved: The browser refused to store more data (disk full?) — 4 events wait in memory, retried (2 failed writes) · Logging on · 12 pending · never synced',
    );
    expect(statusLine({ ...base, logHealth: LOG_HEALTH.parse({ failedWrites: 2 }) }, en)).toBe('Logging on · 12 pending · never synced');
  });

  it('says what a full disk, a newer log and other write failures mean, with the browser\'s words', () => {
    const reasonOf = (error: unknown) => {
      const line = statusLine({ ...base, logHealth: LOG_HEALTH.parse({ failing: true, ...writeFailureCause(error), waiting: 1, failedWrites: 1 }) }, en);
      return /^Not saved: (.*) — 1 events wait/.exec(line)?.[1];
    };
    expect(reasonOf(new DOMException('Quota exceeded', 'QuotaExceededError'))).toBe('The browser refused to store more data (disk full?)');
    expect(reasonOf(new DOMException('version 3 < 4', 'VersionError'))).toMatch(/newer version/);
    expect(reasonOf(new DOMException('I/O error', 'UnknownError'))).toBe('The browser could not write to the log: is the disk full? (I/O error)');
    expect(reasonOf(new DOMException('The transaction was aborted, so the request cannot be fulfilled.', 'AbortError'))).toMatch(
      /^The browser could not write to the log: is the disk full\? \(The transaction was aborted/,
    );
    expect(reasonOf('odd')).toBe('Writing to the log failed (odd)');
    const line = statusLine({ ...base, logHealth: LOG_HEALTH.parse({ failing: true, reason: 'diskFull', waiting: 1, failedWrites: 1 }) }, translatorFor('de'));
    expect(line).toMatch(/^Nicht gespeichert: Der Browser hat sich geweigert, weitere Daten zu speichern \(Festplatte voll\?\)/);
  });

  it('says first that the browser discarded the log, and since when what was not sent is lost', () => {
    const logHealth = LOG_HEALTH.parse({ discardedSince: NOW - 86_400_000 });
    expect(statusLine({ ...base, logHealth }, en)).toMatch(
      /^The browser discarded the activity log \(its database was damaged, e\.g\. after the disk was full\): what was recorded since 11\/26\/26, \d+:00:00 (AM|PM) and not yet sent is lost · Logging on · 12 pending · never synced$/,
    );
    expect(statusLine({ ...base, logHealth }, translatorFor('de'))).toMatch(/^Der Browser hat das Aktivitätsprotokoll verworfen/);
  });
});
