import { describe, expect, it } from 'vitest';
import { SYNC_STATUS } from '../../../src/settings/stored-items';
import { badgeText } from '../../../src/sync/badge';

describe('badgeText', () => {
  it('shows the pending count when sync is configured', () => {
    expect(badgeText(0, SYNC_STATUS.parse({}), true)).toBe('');
    expect(badgeText(42, SYNC_STATUS.parse({}), true)).toBe('42');
    expect(badgeText(12_345, SYNC_STATUS.parse({}), true)).toBe('999+');
  });

  it('shows ! on an auth error or after repeated failures', () => {
    expect(badgeText(3, SYNC_STATUS.parse({ state: 'auth-error' }), true)).toBe('!');
    expect(badgeText(3, SYNC_STATUS.parse({ state: 'refusing' }), true)).toBe('!');
    expect(badgeText(3, SYNC_STATUS.parse({ state: 'backoff', failures: 2 }), true)).toBe('3');
    expect(badgeText(3, SYNC_STATUS.parse({ state: 'backoff', failures: 3 }), true)).toBe('!');
  });

  it('shows nothing when there is nowhere to sync to', () => {
    expect(badgeText(42, SYNC_STATUS.parse({ state: 'auth-error' }), false)).toBe('');
  });

  it('shows ! while the log refuses capture\'s writes, with or without sync', () => {
    expect(badgeText(3, SYNC_STATUS.parse({}), true, true)).toBe('!');
    expect(badgeText(0, SYNC_STATUS.parse({}), false, true)).toBe('!');
    expect(badgeText(3, SYNC_STATUS.parse({}), true, false)).toBe('3');
  });
});
