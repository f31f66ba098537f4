// Prints the size of each built entrypoint (raw and gzipped) for both browsers: what a user
// downloads and what the browser parses when the worker or the popup starts.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const TARGETS = ['chrome-mv3', 'firefox-mv3'];
const ENTRYPOINTS = ['background', 'popup', 'options', 'insights'];

/** The JS and CSS an HTML page or the worker loads, followed through its imports. */
function filesOf(dir, entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || !existsSync(join(dir, file))) return;
    seen.add(file);
    const text = readFileSync(join(dir, file), 'utf8');
    for (const match of text.matchAll(/(?:from|import|src=|href=)\s*\(?["']\.{0,2}\/?([\w\-./]+\.(?:js|css))["']/g)) {
      visit(match[1].replace(/^\.?\//, '').replace(/^(\.\.\/)+/, ''));
    }
  };
  visit(entry === 'background' ? 'background.js' : `${entry}.html`);
  return [...seen].filter((file) => /\.(js|css)$/.test(file));
}

/** A page's `<style>` contents (the popup's stylesheet is inlined by the build, wxt.config.ts). */
function inlineStylesOf(dir, entry) {
  const html = readFileSync(join(dir, `${entry}.html`), 'utf8');
  return [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => Buffer.from(match[1]));
}

let missing = false;
for (const target of TARGETS) {
  const dir = join('.output', target);
  if (!existsSync(dir)) {
    console.log(`bundle-size: ${dir} is missing (run npm run build:all)`);
    missing = true;
    continue;
  }
  for (const entry of ENTRYPOINTS) {
    const files = filesOf(dir, entry);
    const styles = entry === 'background' ? [] : inlineStylesOf(dir, entry);
    const bytes = [...files.map((file) => readFileSync(join(dir, file))), ...styles];
    const raw = bytes.reduce((sum, b) => sum + b.length, 0);
    const gzip = bytes.reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0);
    console.log(
      `bundle-size ${target} ${entry.padEnd(10)} raw ${raw.toLocaleString('en-US').padStart(8)} B  gzip ${gzip.toLocaleString('en-US').padStart(7)} B  (${files.length} files${styles.length > 0 ? ' + the stylesheet inline in its HTML' : ''})`,
    );
  }
  const total = readdirSync(dir, { recursive: true }).length;
  console.log(`bundle-size ${target} files in build: ${total}`);
}
process.exit(missing ? 1 : 0);
