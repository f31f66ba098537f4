// `npm run bench`: builds, then runs every benchmark in turn and prints their numbers.
// Benchmarks print; they never pass or fail on a time (DEVELOPERS.md). Results: BENCHMARKS.md.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

// The capture-latency before / after (issue: "unchanged within noise, same run") needs the build
// of the commit to compare with: BENCH_BASELINE_BUILD, else .bench-baseline/chrome-mv3 as
// `node bench/build-baseline.mjs <ref>` makes it.
const baseline = process.env.BENCH_BASELINE_BUILD ?? '.bench-baseline/chrome-mv3';
const captureLatency = existsSync(join(baseline, 'manifest.json'))
  ? `npx tsx bench/capture-latency.ts --baseline ${baseline}`
  : 'npx tsx bench/capture-latency.ts';

const BENCHMARKS = [
  ['bundle sizes', 'node bench/bundle-size.mjs'],
  ['what the worker is made of', 'node bench/bundle-composition.mjs'],
  ['collector ingest (SQLite, PostgreSQL)', 'npx tsx bench/collector-ingest.ts'],
  ['collector GET /events at 1M events', 'npx tsx bench/collector-events-page.ts'],
  ['sync drain', 'npx tsx bench/sync-drain.ts'],
  ['capture latency (Chromium)', captureLatency],
  ['popup open (Chromium)', 'npx tsx bench/popup-open.ts'],
  ['worker cold start (Chromium)', 'npx tsx bench/worker-cold-start.ts'],
  ['Insights page open (Chromium)', 'npx tsx bench/insights-open.ts'],
  ['history import (Chromium)', 'npx tsx bench/history-import.ts'],
];

// Every figure depends on the machine: the same collector measured 63–75k events/s on one 2-core
// machine and 104–121k on another (BENCHMARKS.md, session 14). So the run says what it ran on.
const cores = cpus();
console.log(`machine: ${cores[0]?.model ?? 'unknown CPU'}, ${cores.length} cores at ${cores[0]?.speed ?? '?'} MHz, Node ${process.version}`);

execSync('npm run --silent build:all', { stdio: ['ignore', 'ignore', 'inherit'] });
let failed = 0;
for (const [name, command] of BENCHMARKS) {
  const script = command.split(' ').find((word) => word.startsWith('bench/'));
  if (!existsSync(script)) continue;
  console.log(`\n## ${name}`);
  if (command === 'npx tsx bench/capture-latency.ts') {
    console.log(
      `no baseline build at ${baseline}: the current build only, no before / after. ` +
        'To compare: node bench/build-baseline.mjs <git ref> (or BENCH_BASELINE_BUILD=<unpacked build>).',
    );
  }
  try {
    execSync(command, { stdio: 'inherit' });
  } catch {
    failed++;
    console.log(`${name}: failed (see above)`);
  }
}
process.exit(failed ? 1 : 0);
