/**
 * `runtime.onMessage` without the polyfill (docs/design.md §7). Chrome answers a message
 * only through `sendResponse` (a listener returns `true` to answer later); Firefox takes a
 * returned promise too. Both understand the `sendResponse` form, so that is the one used,
 * and a failure crosses as data: a rejected promise does not cross the channel in Chrome.
 */

type Answer = { ok: true; value: unknown } | { ok: false; error: string };

export interface MessageEvent {
  addListener(listener: (message: unknown, sender: unknown, sendResponse: (answer: Answer) => void) => true): void;
}

/** The one listener of a context: `answer` replies to every message (a failure is an answer too). */
export function answerMessages(onMessage: MessageEvent, answer: (message: unknown) => Promise<unknown>): void {
  onMessage.addListener((message, _sender, sendResponse) => {
    let reply: Promise<unknown>;
    try {
      reply = answer(message);
    } catch (error) {
      reply = Promise.reject(error);
    }
    reply.then(
      (value) => sendResponse({ ok: true, value: value ?? null }),
      (error: unknown) => sendResponse({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
    return true;
  });
}

/** Sends a message with `sendMessage` and resolves with the reply, or rejects with the failure. */
export function messageSender(sendMessage: (message: unknown) => Promise<unknown>): (message: unknown) => Promise<unknown> {
  return async (message) => {
    const answer = (await sendMessage(message)) as Answer | undefined;
    if (answer === undefined || answer === null) throw new Error('the background did not answer');
    if (!answer.ok) throw new Error(answer.error);
    return answer.value;
  };
}
