import { describe, expect, it } from 'vitest';
import { initialCaptureState } from '../../../src/model/capture-state';
import { DEFAULT_SETTINGS } from '../../../src/settings/settings';
import * as items from '../../../src/settings/stored-items';

const declared = Object.values(items).filter(
  (value): value is typeof items.SETTINGS => typeof value === 'object' && value !== null && 'key' in value && 'area' in value,
);

describe('stored items', () => {
  it('give every item its own key in its area', () => {
    const places = declared.map(({ area, key }) => `${area}:${key}`);
    expect(new Set(places).size).toBe(places.length);
    expect(places.sort()).toEqual(
      [
        'local:apiToken',
        'local:apiTokenOrigin',
        'local:historyImport',
        'local:historyNamespace',
        'local:logKeptSince',
        'local:managedPolicyCache',
        'local:pause',
        'local:settings',
        'local:syncStatus',
        'session:captureBacklog',
        'session:captureSession',
        'session:captureState',
        'session:logHealth',
        'session:syncSessionStarted',
      ].sort(),
    );
  });

  it('read nothing stored as their defaults', () => {
    expect(items.SETTINGS.parse(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(items.SYNC_STATUS.parse(undefined)).toMatchObject({ state: 'idle', failures: 0, lastSuccessAt: null });
    expect(items.LOG_HEALTH.parse(undefined)).toMatchObject({ failing: false, discardedSince: null });
    expect(items.PAUSE.parse(undefined)).toBeNull();
    expect(items.API_TOKEN.parse(undefined)).toBe('');
    expect(items.API_TOKEN_ORIGIN.parse(undefined)).toBeUndefined();
    expect(items.CAPTURE_STATE.parse(undefined)).toBeNull();
    expect(items.SYNC_SESSION_STARTED.parse(undefined)).toBe(false);
  });

  it('read bad stored values as their defaults; settings field by field', () => {
    expect(items.SETTINGS.parse({ keepSentDays: 'many', syncIntervalMinutes: 7 })).toEqual({ ...DEFAULT_SETTINGS, syncIntervalMinutes: 7 });
    expect(items.SETTINGS.parse('garbage')).toEqual(DEFAULT_SETTINGS);
    expect(items.SYNC_STATUS.parse({ state: 'exploded' })).toEqual(items.SYNC_STATUS.fallback);
    expect(items.LOG_HEALTH.parse({ waiting: -1 })).toEqual(items.LOG_HEALTH.fallback);
    expect(items.PAUSE.parse({ until: 'soon' })).toBeNull();
    expect(items.PAUSE.parse({ until: null })).toEqual({ until: null });
    expect(items.CAPTURE_STATE.parse({ ...initialCaptureState(), nextNavId: 'x' })).toBeNull();
    expect(items.CAPTURE_STATE.parse(initialCaptureState())).toEqual(initialCaptureState());
    expect(items.CAPTURE_BACKLOG.parse({ events: [{ action: 'VIEW' }], openView: null })).toBeNull();
    expect(items.IMPORT_JOB.parse({ state: 'running' })).toBeNull();
    expect(items.HISTORY_NAMESPACE.parse(42)).toBeNull();
    expect(items.LOG_KEPT_SINCE.parse('yesterday')).toBeNull();
    expect(items.POLICY_CACHE.parse('policy')).toBeUndefined();
  });
});
