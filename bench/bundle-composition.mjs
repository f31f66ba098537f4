// What the Chrome worker's bundle is made of: builds it once more with source maps (into a
// temporary folder, so .output/ stays the build that is tested), then attributes every byte of
// background.js to the source file it came from. Per file it prints the raw bytes and what the
// file costs gzipped: the bundle's gzip size minus the gzip size of the bundle without that
// file's bytes (gzip shares a dictionary across files, so each file alone would say more).
// `node bench/bundle-composition.mjs [entry]`: entry is background (default), or a chunk name.
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One source map segment: base64 VLQ numbers. */
function decodeSegment(segment) {
  const numbers = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      numbers.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return numbers;
}

/** [source, text] pieces of the generated code, in order: each mapping segment runs to the next. */
function pieces(code, map) {
  const lines = code.split('\n');
  const result = [];
  let source = 0;
  map.mappings.split(';').forEach((mappings, lineIndex) => {
    const line = lines[lineIndex] ?? '';
    const segments = [];
    let column = 0;
    for (const segment of mappings.split(',')) {
      if (!segment) continue;
      const numbers = decodeSegment(segment);
      column += numbers[0];
      if (numbers.length > 1) source += numbers[1];
      segments.push([column, numbers.length > 1 ? map.sources[source] : '(bundler)']);
    }
    segments.forEach(([start, name], i) => {
      result.push([name, line.slice(start, i + 1 < segments.length ? segments[i + 1][0] : line.length)]);
    });
  });
  return result;
}

/** `src/capture/capture-machine.ts`, `zod/v4/core/schemas.js` (map sources are relative to the map). */
const shortName = (source, mapDir) => (source === '(bundler)' ? source : relative(process.cwd(), resolve(mapDir, source)).replace(/^.*node_modules\//, ''));
/** The folder a file counts under: `src/capture`, `zod/v4/core`, `idb`. */
const groupOf = (name) => (name.startsWith('src/') ? name.split('/').slice(0, 2).join('/') : name.startsWith('zod/') ? name.split('/').slice(0, 3).join('/') : name.split('/')[0].startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]);

function report(code, map, mapDir) {
  const all = pieces(code, map).map(([source, text]) => [shortName(source, mapDir), text]);
  const gzip = (text) => gzipSync(text, { level: 9 }).length;
  const total = gzip(code);
  const without = (keep) => total - gzip(all.filter(([name]) => !keep(name)).map(([, text]) => text).join(''));
  const raw = new Map();
  for (const [name, text] of all) raw.set(name, (raw.get(name) ?? 0) + text.length);
  const line = (bytes, gz, name) => `${bytes.toLocaleString('en-US').padStart(8)} B  ${gz.toLocaleString('en-US').padStart(7)} B  ${name}`;

  console.log(`bundle-composition chrome-mv3 ${entry}.js: ${code.length.toLocaleString('en-US')} B raw, ${total.toLocaleString('en-US')} B gzip (source maps on)`);
  console.log('     raw   gzip cost  by folder');
  const groups = new Map();
  for (const [name, bytes] of raw) groups.set(groupOf(name), (groups.get(groupOf(name)) ?? 0) + bytes);
  for (const [group, bytes] of [...groups].sort((a, b) => b[1] - a[1])) console.log(line(bytes, without((name) => groupOf(name) === group), group));
  console.log('     raw   gzip cost  by file');
  for (const [name, bytes] of [...raw].sort((a, b) => b[1] - a[1])) console.log(line(bytes, without((other) => other === name), name));
}

const entry = process.argv[2] ?? 'background';
const outDir = mkdtempSync(join(tmpdir(), 'bundle-composition-'));
try {
  execSync('npx wxt build', { stdio: 'pipe', env: { ...process.env, BUNDLE_SOURCEMAP: outDir } });
  const file = join(outDir, 'chrome-mv3', `${entry}.js`);
  report(readFileSync(file, 'utf8'), JSON.parse(readFileSync(`${file}.map`, 'utf8')), dirname(file));
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
