/**
 * 16 bytes as an RFC 9562 UUID of `version`: the version and variant bits are set in `bytes`
 * (the rest is the caller's: time and randomness for v7, a hash for v5), then the bytes are
 * written as lowercase hex in the 8-4-4-4-12 groups.
 */
export function formatUuid(bytes: Uint8Array, version: number): string {
  bytes[6] = (version << 4) | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return hex.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
}
