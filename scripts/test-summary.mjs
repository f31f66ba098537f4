// Prints one closing line for the whole test run, from the JSON reports vitest wrote:
// "tests: N passed, N failed" (and skipped), so CI sees at a glance what ran.
import { existsSync, readFileSync } from 'node:fs';

const REPORTS = ['test-results/unit.json', 'test-results/e2e.json', 'test-results/e2e-window.json'];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of REPORTS) {
  if (!existsSync(file)) {
    console.log(`test-summary: ${file} is missing (that suite did not run)`);
    failed++;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
