// Draws the toolbar icon (a blue tile with three log lines) at the sizes the stores ask for
// and writes public/icon/<size>.png. Run again after changing the drawing.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';

const SIZES = [16, 32, 48, 128];
const BLUE = [37, 99, 235];

function crc32(bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Coverage (0..1) of pixel (x, y) in an icon of `size`, sampled 4×4 for smooth edges. */
function pixel(size, x, y) {
  let tile = 0;
  let line = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const u = (x + (sx + 0.5) / 4) / size;
      const v = (y + (sy + 0.5) / 4) / size;
      const r = 0.2;
      const dx = Math.max(0, Math.abs(u - 0.5) - (0.5 - r));
      const dy = Math.max(0, Math.abs(v - 0.5) - (0.5 - r));
      if (dx * dx + dy * dy <= r * r) tile++;
      for (const [top, right] of [[0.26, 0.78], [0.45, 0.7], [0.64, 0.56]]) {
        if (v >= top && v <= top + 0.1 && u >= 0.22 && u <= right) line++;
      }
    }
  }
  return { tile: tile / 16, line: line / 16 };
}

function png(size) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 4 + 1);
    for (let x = 0; x < size; x++) {
      const { tile, line } = pixel(size, x, y);
      const at = row + 1 + x * 4;
      for (let c = 0; c < 3; c++) raw[at + c] = Math.round(BLUE[c] * (1 - line) + 255 * line);
      raw[at + 3] = Math.round(255 * tile);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync('public/icon', { recursive: true });
for (const size of SIZES) writeFileSync(`public/icon/${size}.png`, png(size));
console.log(`wrote public/icon/{${SIZES.join(',')}}.png`);
