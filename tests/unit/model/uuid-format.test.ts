import { describe, expect, it } from 'vitest';
import { formatUuid } from '../../../src/model/uuid-format';

describe('formatUuid', () => {
  it('writes 16 bytes as 8-4-4-4-12 lowercase hex with the version and variant set', () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    expect(formatUuid(bytes, 7)).toBe('00112233-4455-7677-8899-aabbccddeeff');
    expect(formatUuid(Uint8Array.from({ length: 16 }, () => 0xff), 5)).toBe('ffffffff-ffff-5fff-bfff-ffffffffffff');
  });
});
