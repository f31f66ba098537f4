import { describe, expect, it } from 'vitest';
import { hostOf } from '../../../collector/event-store';
import { WELL_FORMED_KEYS, wellFormedEventHost } from '../../../collector/well-formed-event';
import { ActivityEventParamsSchema, ActivityEventSchema, ACTIONS, MAX_TITLE_LENGTH, MAX_URL_LENGTH } from '../../../src/model/activity-event';
import { TITLE_CASES, URL_CASES } from '../../fixtures/hostile-inputs';

/** What the collector accepts by the schema: ActivityEventSchema, then url and referrer http(s). */
function schemaAccepts(candidate: unknown): boolean {
  const parsed = ActivityEventSchema.safeParse(candidate);
  if (!parsed.success) return false;
  const web = (url: string | undefined) => url === undefined || ['http:', 'https:'].includes(new URL(url).protocol);
  return web(parsed.data.url) && web(parsed.data.params?.referrer);
}

const BASES: Record<string, unknown>[] = [
  {
    id: '0192f1c2-7a10-7cde-8f00-0123456789ab',
    action: 'VIEW',
    timestamp: '2026-11-27T17:24:19.123Z',
    url: 'https://docs.example.com/a?q=1',
    params: { title: 'A page — ü', duration: 12, referrer: 'https://example.com/', truncated: false },
  },
  { action: 'SEARCH', timestamp: '2024-02-29T00:00:00.000Z', url: 'http://Example.COM:8080/x', params: { query: 'q' } },
  {
    id: 'x',
    action: 'HISTORICAL_VIEW',
    timestamp: '0000-01-01T00:00:00.000Z',
    url: 'https://例え.jp/パス',
    params: { bodyContent: '', datasourceInstance: 'a', datasource: 'b', instanceOnlyName: 'c', duration: 0, truncated: true },
  },
  { action: 'EDIT', timestamp: '2026-11-27T17:24:19.123Z', url: 'https://example.com/' },
];

const LONG = (n: number) => 'x'.repeat(n);
const VALUES: unknown[] = [
  null,
  0,
  -0,
  -1,
  1.5,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  1e21,
  true,
  false,
  '',
  'x',
  'VIEW',
  LONG(128),
  LONG(129),
  LONG(MAX_TITLE_LENGTH),
  LONG(MAX_TITLE_LENGTH + 1),
  `https://example.com/${LONG(MAX_URL_LENGTH - 20)}`,
  `https://example.com/${LONG(MAX_URL_LENGTH)}`,
  [],
  ['VIEW'],
  {},
  { title: 'x' },
  'javascript:alert(1)',
  'data:text/html,<b>x</b>',
  'file:///etc/passwd',
  'ftp://example.com/',
  '/relative',
  'http://[::1]:8080/',
  'https://',
  'https://user:pw@example.com/',
  '2026-02-29T00:00:00.000Z',
  '2026-11-27T24:00:00.000Z',
  '2026-11-27T17:24:19Z',
  '2026-11-27T17:24:19.123+00:00',
  ' 2026-11-27T17:24:19.123Z',
  '\u0000',
  'lone \uD800',
  ...ACTIONS,
];

/** Values worth trying in one field only: hostile URLs in the URL fields, hostile titles in the title. */
const FIELD_VALUES: Record<string, unknown[]> = {
  url: URL_CASES.map((c) => c.url),
  referrer: URL_CASES.map((c) => c.url),
  title: TITLE_CASES.map((c) => c.title),
};

/** Every event that differs from a base in one field: set to each value, or removed; plus an unknown field. */
function* mutations(): Generator<unknown> {
  for (const base of BASES) {
    yield base;
    for (const key of [...WELL_FORMED_KEYS.event, 'source']) {
      const { [key]: _removed, ...without } = base;
      yield without;
      for (const value of [...VALUES, ...(FIELD_VALUES[key] ?? [])]) yield { ...base, [key]: value };
    }
    const params = (base.params ?? {}) as Record<string, unknown>;
    for (const key of [...WELL_FORMED_KEYS.params, 'source']) {
      const { [key]: _removed, ...without } = params;
      yield { ...base, params: without };
      for (const value of [...VALUES, ...(FIELD_VALUES[key] ?? [])]) yield { ...base, params: { ...params, [key]: value } };
    }
  }
  // Objects as JSON.parse makes them, with keys no literal would give.
  yield JSON.parse('{"__proto__":{},"action":"VIEW","timestamp":"2026-11-27T17:24:19.123Z","url":"https://example.com/"}');
  yield JSON.parse('{"action":"VIEW","timestamp":"2026-11-27T17:24:19.123Z","url":"https://example.com/","params":{"__proto__":{"title":"x"}}}');
  yield JSON.parse('{"action":"VIEW","timestamp":"2026-11-27T17:24:19.123Z","url":"https://example.com/","constructor":1}');
  for (const value of VALUES) yield value;
}

describe('wellFormedEventHost (the fast path of validation)', () => {
  it('knows exactly the fields of the schema', () => {
    expect([...WELL_FORMED_KEYS.event].sort()).toEqual(Object.keys(ActivityEventSchema.shape).sort());
    expect([...WELL_FORMED_KEYS.params].sort()).toEqual(Object.keys(ActivityEventParamsSchema.shape).sort());
  });

  it('agrees with the schema on valid events and on every one-field change of them', () => {
    let accepted = 0;
    let refused = 0;
    const refusedButSchemaAccepts: unknown[] = [];
    for (const candidate of mutations()) {
      const host = wellFormedEventHost(candidate);
      const expected = schemaAccepts(candidate);
      if (host !== undefined) {
        // Never more than the schema: that would let bad events in.
        if (!expected) expect.fail(`accepted what the schema refuses: ${JSON.stringify(candidate).slice(0, 300)}`);
        expect(host).toBe(hostOf((candidate as { url: string }).url));
        accepted += 1;
      } else {
        refused += 1;
        if (expected) refusedButSchemaAccepts.push(candidate);
      }
    }
    // Never less either: that would send well-formed batches down the slow path.
    expect(refusedButSchemaAccepts.map((candidate) => JSON.stringify(candidate).slice(0, 300))).toEqual([]);
    // The corpus has both kinds in numbers, so the agreement says something.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(1000);
  });
});
