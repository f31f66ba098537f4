import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  ActivityBatchSchema,
  ActivityEventSchema,
  InvalidEventError,
  isWireTimestamp,
  MAX_TITLE_LENGTH,
  MAX_URL_LENGTH,
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

  it('measures the title, url and id limits in UTF-16 units, as the extension truncates', () => {
    // 2,049 units but 2,048 code points: zod's own maxLength counts code points and let it pass.
    const title = `${'t'.repeat(MAX_TITLE_LENGTH - 1)}\uD83D\uDE00`;
    expect(fieldsOf({ ...valid, params: { title } })).toEqual(['params.title']);
    expect(validateRecordedEvent({ ...valid, params: { title: title.slice(0, -2) + 'x' } }).params?.title).toHaveLength(MAX_TITLE_LENGTH);
    const url = `https://example.com/x${'\uD83D\uDE00'.repeat((MAX_URL_LENGTH - 20) / 2)}`;
    expect(url.length).toBe(MAX_URL_LENGTH + 1);
    expect(fieldsOf({ ...valid, url })).toEqual(['url']);
    expect(fieldsOf({ ...valid, id: '\uD83D\uDE00'.repeat(64) + 'x' })).toEqual(['id']);
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

describe('isWireTimestamp', () => {
  it('says yes exactly when the text writes back to itself through Date (each field in its range, leap years)', () => {
    const roundTrips = (value: string) => !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;
    const two = (n: number) => String(n).padStart(2, '0');
    let accepted = 0;
    for (const year of ['0000', '0004', '0100', '1900', '2000', '2023', '2024', '2100', '2400', '9999']) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          for (const time of ['00:00:00.000', '23:59:59.999', '24:00:00.000', '12:60:00.000', '12:00:60.000']) {
            const value = `${year}-${two(month)}-${two(day)}T${time}Z`;
            expect(isWireTimestamp(value), value).toBe(roundTrips(value));
            if (roundTrips(value)) accepted += 1;
          }
        }
      }
    }
    expect(accepted).toBe(2 * (365 * 10 + 5)); // two valid times a day; 0000, 0004, 2000, 2024 and 2400 are leap years
  });

  it('refuses other shapes of a moment', () => {
    for (const value of ['2026-11-27T17:24:19Z', '2026-11-27T17:24:19.123+00:00', '2026-11-27 17:24:19.123Z', '+002026-11-27T17:24:19.123Z', ' 2026-11-27T17:24:19.123Z']) {
      expect(isWireTimestamp(value), value).toBe(false);
    }
  });
});
