// Lints the Firefox build with web-ext and fails on any error. Warnings are printed with
// their code; the accepted ones and why are written down in README.md ("Firefox lint").
import { execFileSync } from 'node:child_process';

const BUILD = '.output/firefox-mv3';
let output;
try {
  output = execFileSync('npx', ['web-ext', 'lint', '--source-dir', BUILD, '--output', 'json'], {
    encoding: 'utf8',
  });
} catch (error) {
  // web-ext exits non-zero when it finds errors; its JSON is still on stdout.
  output = error.stdout;
}
const report = JSON.parse(output);
for (const kind of ['errors', 'warnings', 'notices']) {
  for (const item of report[kind]) console.log(`${kind.slice(0, -1)}: ${item.code} ${item.file ?? ''} ${item.message}`);
}
const { errors, warnings, notices } = report.summary;
console.log(`web-ext lint ${BUILD}: ${errors} errors, ${warnings} warnings, ${notices} notices`);
process.exit(errors === 0 ? 0 : 1);
