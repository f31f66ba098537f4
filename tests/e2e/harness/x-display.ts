import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { eventually } from './eventually';

const run = promisify(execFile);

/**
 * A private X display (Xvfb) with a window manager (openbox), for headful browsers that can
 * really lose focus, go idle, see a locked screen and play sound (browser-testing facts:
 * headless browsers can do none of it). Everything started here is stopped by its pid.
 */
export interface XDisplay {
  /** `:N`, for `DISPLAY`. */
  readonly display: string;
  /** Runs xdotool on this display; resolves to its output. */
  xdotool(...args: string[]): Promise<string>;
  /** Real X input (the idle counter restarts): a mouse move. */
  input(): Promise<void>;
  /** Opens another application's window (xmessage) and gives it the focus. */
  focusOtherWindow(): Promise<void>;
  /** Gives the focus back to the browser window. */
  focusBrowser(): Promise<void>;
  /** Activates the screen saver, which browsers report as `locked`; `unlock()` ends it. */
  lock(): Promise<void>;
  unlock(): Promise<void>;
  close(): Promise<void>;
}

export async function startXDisplay(): Promise<XDisplay> {
  const children: ChildProcess[] = [];
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp', '-s', '0', '-dpms', '-noreset'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  children.push(xvfb);
  const close = async () => {
    for (const child of children.reverse()) if (child.exitCode === null) child.kill('SIGTERM');
  };
  try {
    const number = await new Promise<string>((resolve, reject) => {
      let text = '';
      xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(text.trim());
      });
      xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code})`)));
    });
    const display = `:${number}`;
    const env = { ...process.env, DISPLAY: display };
    const x = async (command: string, args: string[]) => (await run(command, args, { env })).stdout.trim();
    children.push(spawn('openbox', ['--sm-disable'], { env, stdio: 'ignore' }));
    await eventually(async () => {
      if (!(await x('xprop', ['-root'])).includes('_NET_SUPPORTING_WM_CHECK')) throw new Error('openbox not ready');
    }, { timeout: 10_000, interval: 100 });
    let other: string | undefined;
    const xdotool = (...args: string[]) => x('xdotool', args);
    return {
      display,
      xdotool,
      input: async () => {
        await xdotool('mousemove', String(600 + Math.floor(Math.random() * 100)), '500');
      },
      focusOtherWindow: async () => {
        if (!other) {
          children.push(spawn('xmessage', ['-geometry', '300x100+900+600', 'another application'], { env, stdio: 'ignore' }));
          other = (await xdotool('search', '--sync', '--onlyvisible', '--class', 'xmessage')).split('\n')[0]!;
        }
        await xdotool('windowactivate', '--sync', other);
      },
      focusBrowser: async () => {
        const id = (await xdotool('search', '--onlyvisible', '--class', 'chromium')).split('\n')[0]!;
        await xdotool('windowactivate', '--sync', id);
      },
      lock: async () => void (await x('xset', ['s', 'activate'])),
      unlock: async () => void (await x('xset', ['s', 'reset'])),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
