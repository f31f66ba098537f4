import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  ActivityBatchSchema,
  ActivityEventSchema,
  InvalidEventError,
  validateRecordedEvent,
  toWireTimestamp,
} from '../../../src/model/activity-event';

const valid = {
  id: '0192f1c2-7a10-7cde-8f00-0123456789ab',
  action: 'VIEW',
  timestamp: '2026-11-27T17:24:19.123Z',
  url: 'https://example.com/a?q=1',
  params: { title: 'A page', duration: 12, referrer: 'https://example.com/', truncated: false },
};

function fieldsOf(candidate: unknown): string[] {
  try {
    validateRecordedEvent(candidate);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventError);
    return (error as InvalidEventError).fields;
  }
  throw new Error('expected the event to be refused');
}

describe('ActivityEvent schema', () => {
  it.each(ACTIONS)('accepts the action %s', (action) => {
    expect(validateRecordedEvent({ ...valid, action }).action).toBe(action);
  });

  it('accepts a minimal event and keeps it as given', () => {
    const minimal = { id: valid.id, action: 'SEARCH', timestamp: valid.timestamp, url: valid.url };
    expect(validateRecordedEvent(minimal)).toEqual(minimal);
  });

  it('refuses an unknown action', () => {
    expect(fieldsOf({ ...valid, action: 'LIKE' })).toEqual(['action']);
  });

  it.each([
    'yesterday',
    '2026-11-27',
    '2026-11-27T17:24:19Z', // no milliseconds
    '2026-11-27T17:24:19.123456Z', // microseconds
    '2026-11-27T17:24:19.123+01:00', // not UTC
    '2026-13-27T17:24:19.123Z',
  ])('refuses the timestamp %s', (timestamp) => {
    expect(fieldsOf({ ...valid, timestamp })).toEqual(['timestamp']);
  });

  it.each([1.5, -1, Number.NaN, '12'])('refuses the duration %s', (duration) => {
    expect(fieldsOf({ ...valid, params: { duration } })).toEqual(['params.duration']);
  });

  it('refuses a missing or relative url', () => {
    const { url: _, ...noUrl } = valid;
    expect(fieldsOf(noUrl)).toEqual(['url']);
    expect(fieldsOf({ ...valid, url: '/relative/path' })).toEqual(['url']);
  });

  it('refuses a recorded event without a UUID id', () => {
    const { id: _, ...noId } = valid;
    expect(fieldsOf(noId)).toEqual(['id']);
    expect(fieldsOf({ ...valid, id: 'not-a-uuid' })).toEqual(['id']);
  });

  it('refuses fields the wire format does not define', () => {
    expect(fieldsOf({ ...valid, source: 'x' })).toEqual(['(event)']);
    expect(fieldsOf({ ...valid, params: { colour: 'red' } })).toEqual(['params']);
  });

  it('names every bad field in its message', () => {
    expect(() => validateRecordedEvent({ ...valid, timestamp: 'yesterday', url: 'nope' })).toThrow(
      /timestamp: .*; url: must be an absolute URL/,
    );
  });

  it('lets other clients send events without an id (Glean does not require one)', () => {
    const { id: _, ...noId } = valid;
    expect(ActivityEventSchema.safeParse(noId).success).toBe(true);
  });

  it('validates a batch body', () => {
    expect(ActivityBatchSchema.safeParse({ events: [valid] }).success).toBe(true);
    expect(ActivityBatchSchema.safeParse({ events: [] }).success).toBe(true);
    expect(ActivityBatchSchema.safeParse({ event: [valid] }).success).toBe(false);
  });

  it('writes timestamps in UTC with milliseconds', () => {
    expect(toWireTimestamp(Date.UTC(2026, 10, 27, 17, 24, 19, 5))).toBe('2026-11-27T17:24:19.005Z');
  });
});
