import type { E2eTab, ElementRole } from '../e2e-browser';
import { eventually, type EventuallyOptions } from '../eventually';
import type { BidiConnection } from './bidi-connection';
import { callInContext } from './bidi-script';
import { markElement } from './page-functions';

/** A top-level browsing context (a tab) of Firefox, driven over BiDi. */
export class FirefoxTab implements E2eTab {
  constructor(
    private readonly connection: BidiConnection,
    /** The BiDi browsing context id. */
    readonly context: string,
  ) {}

  /** Opens a new tab; `background: true` keeps the active tab as it is. */
  static async create(connection: BidiConnection, { background }: { background: boolean }): Promise<FirefoxTab> {
    const { context } = await connection.send<{ context: string }>('browsingContext.create', { type: 'tab', background });
    return new FirefoxTab(connection, context);
  }

  async goto(url: string): Promise<void> {
    await this.connection.send('browsingContext.navigate', { context: this.context, url, wait: 'complete' });
  }

  async reload(): Promise<void> {
    await this.connection.send('browsingContext.reload', { context: this.context, wait: 'complete' });
  }

  /**
   * A real pointer click (BiDi `input.performActions`) in the middle of the element, as a
   * user's: the page sees trusted mouse events and the navigation it starts is a link
   * navigation.
   */
  async click(role: ElementRole, name: string): Promise<void> {
    const token = await this.evaluate(markElement, { role, name });
    const element = await this.locate(token);
    await this.connection.send('input.performActions', {
      context: this.context,
      actions: [
        {
          type: 'pointer',
          id: 'mouse',
          parameters: { pointerType: 'mouse' },
          actions: [
            { type: 'pointerMove', x: 0, y: 0, origin: { type: 'element', element } },
            { type: 'pointerDown', button: 0 },
            { type: 'pointerUp', button: 0 },
          ],
        },
      ],
    });
    await this.connection.send('input.releaseActions', { context: this.context });
  }

  /** Sets the value and fires `input` and `change`, as typing would for the page's code. */
  async fill(label: string, text: string): Promise<void> {
    const token = await this.evaluate(markElement, { role: 'field', name: label });
    await this.evaluate(
      ({ token, text }) => {
        const box = document.querySelector(`[data-e2e-target="${token}"]`) as HTMLInputElement;
        box.focus();
        box.value = text;
        box.dispatchEvent(new Event('input', { bubbles: true }));
        box.dispatchEvent(new Event('change', { bubbles: true }));
      },
      { token, text },
    );
  }

  /** Real key events (BiDi `input.performActions`) into the field, focused first. */
  async type(label: string, text: string, { delayMs = 0 } = {}): Promise<void> {
    const token = await this.evaluate(markElement, { role: 'field', name: label });
    await this.evaluate((token) => (document.querySelector(`[data-e2e-target="${token}"]`) as HTMLInputElement).focus(), token);
    const keys = [...text].flatMap((key, i) => [
      ...(i > 0 && delayMs > 0 ? [{ type: 'pause', duration: delayMs }] : []),
      { type: 'keyDown', value: key },
      { type: 'keyUp', value: key },
    ]);
    await this.connection.send('input.performActions', {
      context: this.context,
      actions: [{ type: 'key', id: 'keyboard', actions: keys }],
    });
    await this.connection.send('input.releaseActions', { context: this.context });
  }

  async inputValue(label: string): Promise<string> {
    const token = await this.evaluate(markElement, { role: 'field', name: label });
    return this.evaluate((token) => (document.querySelector(`[data-e2e-target="${token}"]`) as HTMLInputElement).value, token);
  }

  async waitForUrl(url: string, options: EventuallyOptions = {}): Promise<void> {
    await eventually(async () => {
      const now = await this.url();
      if (now !== url) throw new Error(`tab shows ${now}, not ${url}`);
      const state = await this.evaluate(() => document.readyState, null);
      if (state !== 'complete') throw new Error(`${url} is still loading (${state})`);
    }, options);
  }

  async url(): Promise<string> {
    const { contexts } = await this.connection.send<{ contexts: { url: string }[] }>('browsingContext.getTree', {
      root: this.context,
      maxDepth: 0,
    });
    return contexts[0]!.url;
  }

  title(): Promise<string> {
    return this.evaluate(() => document.title, null);
  }

  async activate(): Promise<void> {
    await this.connection.send('browsingContext.activate', { context: this.context });
  }

  async close(): Promise<void> {
    await this.connection.send('browsingContext.close', { context: this.context });
  }

  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    return callInContext(this.connection, this.context, fn, arg);
  }

  /** A BiDi shared reference to the element `markElement` marked with `token`. */
  private async locate(token: string): Promise<{ sharedId: string }> {
    const answer = await this.connection.send<{ type: string; result?: { sharedId?: string } }>('script.evaluate', {
      expression: `document.querySelector('[data-e2e-target="${token}"]')`,
      target: { context: this.context },
      awaitPromise: false,
    });
    const sharedId = answer.result?.sharedId;
    if (!sharedId) throw new Error(`could not reference the element marked ${token}`);
    return { sharedId };
  }
}
