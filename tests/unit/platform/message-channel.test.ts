import { describe, expect, it } from 'vitest';
import { answerMessages, messageSender, type MessageEvent } from '../../../src/platform/message-channel';

/** runtime.onMessage as Chrome runs it: a reply only through sendResponse, kept open by `true`. */
function chromeLikeChannel() {
  let listener: Parameters<MessageEvent['addListener']>[0] | undefined;
  const onMessage: MessageEvent = { addListener: (added) => void (listener = added) };
  const sendMessage = (message: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const keptOpen = listener?.(message, {}, resolve);
      if (keptOpen !== true) reject(new Error('The message port closed before a response was received.'));
    });
  return { onMessage, sendMessage };
}

describe('message channel', () => {
  it('carries a reply that comes later through sendResponse', async () => {
    const { onMessage, sendMessage } = chromeLikeChannel();
    answerMessages(onMessage, async (message) => ({ echoed: message }));
    expect(await messageSender(sendMessage)({ type: 'x' })).toEqual({ echoed: { type: 'x' } });
  });

  it('carries "nothing" as null, and a failure as a rejection with its message', async () => {
    const { onMessage, sendMessage } = chromeLikeChannel();
    answerMessages(onMessage, async (message) => {
      if (message === 'fail') throw new Error('the log is gone');
      if (message === 'throw') return JSON.parse('{') as never;
      return undefined;
    });
    const send = messageSender(sendMessage);
    expect(await send('nothing')).toBeNull();
    await expect(send('fail')).rejects.toThrow('the log is gone');
    await expect(send('throw')).rejects.toThrow(/JSON/);
  });

  it('says so when nothing answered', async () => {
    await expect(messageSender(async () => undefined)('x')).rejects.toThrow('did not answer');
  });
});
