// The background's cold start in real Chromium: from launching the browser to the worker's
// listeners registered (`self.activityLogger.ready`), and, inside the worker, from its start to
// that moment (`readyAtMs`, its own `performance.now()`). A build to compare with is given as
// COLD_START_BASELINE=<unpacked chrome-mv3 dir> (e.g. the build of an older commit); the two are
// launched in turn, so a change of the machine's load hits both alike. Median of the launches;
// nothing passes or fails on time.
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchExtensionBrowser } from '../tests/e2e/harness';
import { CHROME_BUILD_DIR } from '../tests/e2e/harness/extension-build';
import type { BackgroundStatus } from '../entrypoints/background';

const LAUNCHES = Number(process.env.COLD_START_LAUNCHES ?? 7);
const builds = [
  { name: 'this build', dir: CHROME_BUILD_DIR },
  ...(process.env.COLD_START_BASELINE ? [{ name: 'baseline', dir: process.env.COLD_START_BASELINE }] : []),
];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const samples = new Map(builds.map((build) => [build.name, { launch: [] as number[], inWorker: [] as number[] }]));
for (let i = 0; i < LAUNCHES; i++) {
  // Interleaved, and the order alternates: neither build always goes first.
  const order = i % 2 === 0 ? builds : [...builds].reverse();
  for (const build of order) {
    const started = performance.now();
    const browser = await launchExtensionBrowser({ extensionDir: build.dir });
    const launch = performance.now() - started;
    try {
      const readyAt = await browser.worker.evaluate(
        () => (globalThis as { activityLogger?: BackgroundStatus }).activityLogger?.readyAtMs,
      );
      samples.get(build.name)!.launch.push(launch);
      if (typeof readyAt === 'number') samples.get(build.name)!.inWorker.push(readyAt);
    } finally {
      await browser.close();
    }
  }
}

for (const build of builds) {
  const { launch, inWorker } = samples.get(build.name)!;
  const gzip = gzipSync(readFileSync(join(build.dir, 'background.js')), { level: 9 }).length;
  const worker = inWorker.length > 0 ? `, worker start → listeners ${median(inWorker).toFixed(1)} ms` : '';
  console.log(
    `worker cold start, ${build.name} (background ${gzip.toLocaleString('en-US')} B gzip): ` +
      `browser launch → listeners registered ${median(launch).toFixed(0)} ms${worker} ` +
      `(median of ${launch.length}; launch min ${Math.min(...launch).toFixed(0)}, max ${Math.max(...launch).toFixed(0)})`,
  );
}
