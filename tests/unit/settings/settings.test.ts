import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseStoredSettings } from '../../../src/settings/settings';

describe('settings', () => {
  it('has defaults for every field', () => {
    expect(DEFAULT_SETTINGS).toEqual({ version: 1, idleThresholdSeconds: 60, logPrivateWindows: false, searchRules: [] });
    expect(parseStoredSettings(undefined)).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps valid stored fields and replaces invalid ones by their default', () => {
    expect(parseStoredSettings({ idleThresholdSeconds: 5, logPrivateWindows: true })).toEqual({
      ...DEFAULT_SETTINGS,
      logPrivateWindows: true,
    });
  });

  it('normalises search rules and refuses malformed ones', () => {
    expect(parseStoredSettings({ searchRules: [{ host: ' *.Intranet.Example ', param: 'q' }] }).searchRules).toEqual([
      { host: '*.intranet.example', param: 'q' },
    ]);
    expect(parseStoredSettings({ searchRules: [{ host: 'a b', param: 'q' }] }).searchRules).toEqual([]);
  });
});
