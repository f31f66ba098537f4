process.env.TZ = 'Europe/Berlin';
import { describe, expect, it } from 'vitest';
import {
  formatClock,
  formatClockRange,
  formatDay,
  formatDayAndClock,
  formatDayOfMonth,
  formatHour,
  formatRange,
} from '../../../src/insights/insights-format';

const at = (hour: number, minute = 0) => new Date(2026, 10, 27, hour, minute).getTime();
// Intl may put narrow or thin no-break spaces around "–" and before "PM": compare with plain spaces.
const plain = (text: string) => text.replace(/[\u202f\u2009\u00a0]/g, ' ');

describe('the Insights page in English and in German', () => {
  it('names a day, a week and a month', () => {
    expect(formatRange({ kind: 'day', day: '2026-11-27' }, 'en')).toBe('Friday, November 27, 2026');
    expect(formatRange({ kind: 'day', day: '2026-11-27' }, 'de')).toBe('Freitag, 27. November 2026');
    expect(plain(formatRange({ kind: 'week', day: '2026-11-27' }, 'en'))).toBe('November 23 – 29, 2026');
    expect(plain(formatRange({ kind: 'week', day: '2026-11-27' }, 'de'))).toBe('23.–29. November 2026');
    expect(formatRange({ kind: 'month', day: '2026-11-27' }, 'en')).toBe('November 2026');
    expect(formatRange({ kind: 'month', day: '2026-11-27' }, 'de')).toBe('November 2026');
  });

  it('writes days, times and hours the reader\'s way', () => {
    expect(formatDay('2026-11-27', 'en')).toBe('Fri, Nov 27');
    expect(formatDay('2026-11-27', 'de')).toBe('Fr., 27. Nov.');
    expect(formatDayOfMonth('2026-11-07', 'de')).toBe('7');
    expect(plain(formatClock(at(15, 5), 'en'))).toBe('3:05 PM');
    expect(formatClock(at(15, 5), 'de')).toBe('15:05');
    expect(plain(formatDayAndClock(at(9, 5), 'en'))).toBe('Nov 27, 9:05 AM');
    expect(plain(formatClockRange(at(9), at(10), 'en'))).toBe('9:00 – 10:00 AM');
    expect(plain(formatClockRange(at(9), at(10), 'de'))).toBe('09:00–10:00 Uhr');
    expect(plain(formatHour(at(18), 'en'))).toBe('6 PM');
    expect(formatHour(at(18), 'de')).toBe('18 Uhr');
  });
});
