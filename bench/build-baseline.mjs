// `node bench/build-baseline.mjs <git ref> [out dir]`: the Chromium build of another commit, for
// the same-run before / after of `bench/capture-latency.ts --baseline` (`npm run bench` uses it
// when it is there). The ref is checked out in a worktree of its own, which gets its own
// `npm ci` and `npm run build` (its dependencies and build, not this checkout's); the unpacked
// extension is copied to <out dir>/chrome-mv3 (default .bench-baseline/) with a REF file
// naming the ref and commit, and the worktree is removed.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [ref, out = '.bench-baseline'] = process.argv.slice(2);
if (!ref) {
  console.error('usage: node bench/build-baseline.mjs <git ref> [out dir]');
  process.exit(2);
}
const run = (command, args, cwd) => execFileSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { encoding: 'utf8' }).trim();
const worktree = mkdtempSync(join(tmpdir(), 'activity-logger-baseline-'));
try {
  run('git', ['worktree', 'add', '--detach', worktree, commit]);
  run('npm', ['ci', '--no-audit', '--no-fund'], worktree);
  run('npm', ['run', 'build'], worktree);
  const built = join(worktree, '.output', 'chrome-mv3');
  if (!existsSync(join(built, 'manifest.json'))) throw new Error(`${ref}: the build made no ${built}/manifest.json`);
  const target = resolve(out, 'chrome-mv3');
  rmSync(target, { recursive: true, force: true });
  cpSync(built, target, { recursive: true });
  writeFileSync(resolve(out, 'REF'), `${ref} at ${commit.slice(0, 12)}\n`);
  console.log(`baseline build of ${ref} (${commit.slice(0, 12)}) in ${target}`);
} finally {
  execFileSync('git', ['worktree', 'remove', '--force', worktree], { stdio: 'ignore' });
}
