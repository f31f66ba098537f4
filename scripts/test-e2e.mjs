// Runs the end-to-end suites: the real-window journeys (tests/e2e/real-window.test.ts, which spend
// most of their ~2.5 minutes waiting for idle and focus to take effect on a private X display),
// then the short soak (tests/e2e/soak.test.ts), side by side with all the others, which run one
// file at a time. The window run's output is kept and
// printed when it ends, so the two runs' lines do not interleave. Exits non-zero if either fails.
// With arguments (files, a name filter), it is one plain vitest run of those instead.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const WINDOW_FILE = 'tests/e2e/real-window.test.ts';
// In the same lane, after it: together they stay well below the main lane's time.
const SOAK_FILE = 'tests/e2e/soak.test.ts';
const vitest = ['vitest', 'run', '--config', 'vitest.e2e.config.ts', '--reporter=default', '--reporter=json'];
const extra = process.argv.slice(2);
mkdirSync('test-results', { recursive: true });

function run(args, output) {
  return new Promise((resolve) => {
    const child = spawn('npx', [...vitest, ...args, ...extra], {
      stdio: output ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' },
    });
    const chunks = [];
    child.stdout?.on('data', (chunk) => chunks.push(chunk));
    child.stderr?.on('data', (chunk) => chunks.push(chunk));
    child.on('close', (code) => {
      if (output) writeFileSync(output, Buffer.concat(chunks));
      resolve(code ?? 1);
    });
  });
}

if (extra.length > 0) process.exit(await run(['--outputFile.json=test-results/e2e.json']));

const [windowCode, mainCode] = await Promise.all([
  run([WINDOW_FILE, SOAK_FILE, '--outputFile.json=test-results/e2e-window.json'], 'test-results/e2e-window.log'),
  run(['--exclude', WINDOW_FILE, '--exclude', SOAK_FILE, '--outputFile.json=test-results/e2e.json']),
]);
console.log(`\n--- ${WINDOW_FILE}, ${SOAK_FILE} (run beside the others) ---`);
process.stdout.write(readFileSync('test-results/e2e-window.log'));
process.exit(windowCode === 0 && mainCode === 0 ? 0 : 1);
