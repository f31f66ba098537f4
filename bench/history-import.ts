// Adds 100,000 visits to the browser history, then imports them in real Chromium with the built extension (npm run build
// first) and prints visits/s, the extension process's peak memory, and what a second import
// of the same period writes (it must be 0). Run: npx tsx bench/history-import.ts [--visits N]

import { readFileSync, readdirSync } from 'node:fs';
import { grantOptionalPermissions, launchExtensionBrowser } from '../tests/e2e/harness';
import { openExtensionPage } from '../tests/e2e/harness/extension-page';

// The extension API inside the evaluated page functions (they run in the extension's page).
declare const chrome: {
  permissions: { request(p: object): Promise<boolean> };
  history: { addUrl(details: object): Promise<void> };
  storage: { local: { get(key: string): Promise<Record<string, unknown>>; remove(key: string): Promise<void> } };
  runtime: { sendMessage(message: object): Promise<unknown> };
};

const visitsArg = process.argv.indexOf('--visits');
const VISITS = visitsArg > 0 ? Number(process.argv[visitsArg + 1]) : 100_000;

interface Job {
  state: string;
  totalVisits: number;
  doneVisits: number;
  written: number;
}

/** Peak resident memory (VmHWM, MiB) of Chromium's extension processes. */
function extensionProcessPeakMiB(): number {
  let peak = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('--extension-process')) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
    } catch {
      // The process ended meanwhile.
    }
  }
  return peak;
}

async function main(): Promise<void> {
  const browser = await launchExtensionBrowser();
  try {
    const profile = browser.profileDir;
    const id = browser.extensionId;
    await browser.restart({ whileClosed: () => grantOptionalPermissions(profile, id, ['history']) });
    const page = await openExtensionPage(browser.context, browser.extensionId, 'options.html');
    const granted = await page.evaluate(() => chrome.permissions.request({ permissions: ['history'] }));
    if (!granted) throw new Error('the history permission was not granted');

    const added = Date.now();
    await page.evaluate(async (count) => {
      for (let start = 0; start < count; start += 1000) {
        await Promise.all(
          Array.from({ length: Math.min(1000, count - start) }, (_, i) =>
            chrome.history.addUrl({ url: `https://intranet.example.com/doc/${start + i}?v=1` }),
          ),
        );
      }
    }, VISITS);
    console.log(`history import: added ${VISITS} visits to the browser history in ${((Date.now() - added) / 1000).toFixed(1)} s`);

    const runImport = async (): Promise<{ seconds: number; job: Job }> => {
      await page.evaluate(() => chrome.storage.local.remove('historyImport'));
      const began = Date.now();
      await page.evaluate(() => chrome.runtime.sendMessage({ type: 'importHistory', days: 90 }));
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const job = (await page.evaluate(() => chrome.storage.local.get('historyImport'))).historyImport as Job | undefined;
        if (job && job.state !== 'running') return { seconds: (Date.now() - began) / 1000, job };
        if (Date.now() - began > 15 * 60_000) throw new Error(`import still running: ${JSON.stringify(job)}`);
      }
    };

    const first = await runImport();
    const peak = extensionProcessPeakMiB();
    console.log(
      `history import: ${first.job.doneVisits} visits in ${first.seconds.toFixed(1)} s = ${Math.round(first.job.doneVisits / first.seconds)} visits/s, ` +
        `${first.job.written} events written, state ${first.job.state}; extension process peak RSS ${peak.toFixed(0)} MiB`,
    );
    const second = await runImport();
    console.log(
      `history import again: ${second.job.doneVisits} visits in ${second.seconds.toFixed(1)} s, ${second.job.written} events written (must be 0)`,
    );
    if (first.job.state !== 'done' || second.job.written !== 0) process.exitCode = 1;
  } finally {
    await browser.close();
  }
}

await main();
