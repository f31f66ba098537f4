import { describe, expect, it } from 'vitest';
import { parseSyncStatus } from '../../../src/sync/sync-status';
import { badgeText } from '../../../src/sync/badge';

describe('badgeText', () => {
  it('shows the pending count when sync is configured', () => {
    expect(badgeText(0, parseSyncStatus({}), true)).toBe('');
    expect(badgeText(42, parseSyncStatus({}), true)).toBe('42');
    expect(badgeText(12_345, parseSyncStatus({}), true)).toBe('999+');
  });

  it('shows ! on an auth error or after repeated failures', () => {
    expect(badgeText(3, parseSyncStatus({ state: 'auth-error' }), true)).toBe('!');
    expect(badgeText(3, parseSyncStatus({ state: 'refusing' }), true)).toBe('!');
    expect(badgeText(3, parseSyncStatus({ state: 'backoff', failures: 2 }), true)).toBe('3');
    expect(badgeText(3, parseSyncStatus({ state: 'backoff', failures: 3 }), true)).toBe('!');
  });

  it('shows nothing when there is nowhere to sync to', () => {
    expect(badgeText(42, parseSyncStatus({ state: 'auth-error' }), false)).toBe('');
  });

  it('shows ! while the log refuses capture\'s writes, with or without sync', () => {
    expect(badgeText(3, parseSyncStatus({}), true, true)).toBe('!');
    expect(badgeText(0, parseSyncStatus({}), false, true)).toBe('!');
    expect(badgeText(3, parseSyncStatus({}), true, false)).toBe('3');
  });
});
