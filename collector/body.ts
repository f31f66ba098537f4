import type { IncomingMessage } from 'node:http';

/**
 * How much of an unwanted body (too large, or sent without the right token) is read and thrown
 * away before the collector answers. Reading it lets the client finish its upload and see the
 * 413/401: a client whose upload is cut off sees a network error instead, and the extension's
 * sync would retry that forever rather than split the batch or stop on an auth error. Past
 * this cap the connection is closed instead, so nobody can keep the server reading.
 */
export const DRAIN_CAP_BYTES = 64 * 1024 * 1024;

export type BodyResult =
  | { kind: 'ok'; body: Buffer }
  /** `drained: false` means the rest of the body was not read: answer with `Connection: close`. */
  | { kind: 'too-large'; drained: boolean }
  | { kind: 'aborted' };

/** Reads the whole body if it fits in `limit` bytes; otherwise discards it (up to DRAIN_CAP_BYTES). */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  // Not worth reading even to discard: answer at once and close.
  if (Number.isFinite(declared) && declared > DRAIN_CAP_BYTES) {
    return Promise.resolve({ kind: 'too-large', drained: false });
  }
  return new Promise((resolve) => {
    // Known too large from the header: never buffer any of it.
    let tooLarge = Number.isFinite(declared) && declared > limit;
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;

    const finish = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (!tooLarge && received > limit) {
        tooLarge = true;
        chunks.length = 0;
      }
      if (tooLarge) {
        if (received > DRAIN_CAP_BYTES) {
          req.pause();
          finish({ kind: 'too-large', drained: false });
        }
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      finish(tooLarge ? { kind: 'too-large', drained: true } : { kind: 'ok', body: Buffer.concat(chunks, received) });
    };
    const onAbort = (): void => finish({ kind: 'aborted' });
    const onClose = (): void => {
      if (!req.complete) onAbort();
    };

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onClose);
  });
}

/** Discards a body nobody will look at; false when it was longer than DRAIN_CAP_BYTES. */
export async function discardBody(req: IncomingMessage): Promise<boolean> {
  if (req.complete) return true;
  const result = await readBody(req, 0);
  if (result.kind === 'ok') return true;
  return result.kind === 'too-large' && result.drained;
}
