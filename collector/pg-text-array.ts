/**
 * A `text[]` query parameter in PostgreSQL's binary format (what `array_recv` reads), for the
 * batch insert (docs/design.md §9). `pg` sends a Buffer parameter as binary, so the server
 * takes each element's bytes as they are: no quoting and escaping of every element by the
 * client, no parsing of it by the server — and the events' JSON, given as the client's bytes,
 * is stored as it came without being parsed as JSON on the way.
 *
 * Layout (all integers 32-bit big-endian): dimensions (1), has-nulls flag, element type OID,
 * then per dimension its length and lower bound (1), then each element as its byte length
 * (-1 for NULL) followed by its bytes. Strings are written as UTF-8.
 */
const TEXT_OID = 25;
const HEADER_BYTES = 20;

export function textArrayParameter(values: readonly (string | Buffer | null)[]): Buffer {
  let size = HEADER_BYTES;
  let hasNull = 0;
  const lengths = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      hasNull = 1;
      lengths[i] = -1;
      size += 4;
    } else {
      const length = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
      lengths[i] = length;
      size += 4 + length;
    }
  }
  const out = Buffer.allocUnsafe(size);
  out.writeInt32BE(1, 0);
  out.writeInt32BE(hasNull, 4);
  out.writeInt32BE(TEXT_OID, 8);
  out.writeInt32BE(values.length, 12);
  out.writeInt32BE(1, 16);
  let at = HEADER_BYTES;
  for (let i = 0; i < values.length; i++) {
    const length = lengths[i]!;
    out.writeInt32BE(length, at);
    at += 4;
    if (length <= 0) continue;
    const value = values[i]!;
    at += typeof value === 'string' ? out.write(value, at, length, 'utf8') : value.copy(out, at);
  }
  return out;
}
