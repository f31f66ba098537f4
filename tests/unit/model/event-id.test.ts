import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uuidv7 } from '../../../src/model/event-id';

describe('uuidv7', () => {
  it('is a version 7, RFC 9562 variant UUID', () => {
    const id = uuidv7();
    expect(z.uuid({ version: 'v7' }).safeParse(id).success).toBe(true);
  });

  it('carries its creation time in the first 48 bits', () => {
    const at = Date.UTC(2026, 10, 27, 17, 24, 19, 123);
    const first48Bits = parseInt(uuidv7(at).replace(/-/g, '').slice(0, 12), 16);
    expect(first48Bits).toBe(at);
  });

  it('sorts by creation time', () => {
    const ids = [3_000, 1_000, 2_000].map((ms) => uuidv7(1_700_000_000_000 + ms));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0]]);
  });

  it('differs between two ids of the same millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uuidv7(1_700_000_000_000)));
    expect(ids.size).toBe(1000);
  });
});
