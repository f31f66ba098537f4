import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { kind: 'ok'; body: Buffer }
  /** `drained: false` means the rest of the body was not read: answer with `Connection: close`. */
  | { kind: 'too-large'; drained: boolean }
  | { kind: 'aborted' };

/**
 * Reads the whole body if it fits in `limit` bytes. A body declared larger than `limit` is not
 * read at all, and one that grows past it (chunked, or a lying `Content-Length`) stops being
 * read there: nobody, with a token or without one, makes the collector read more than `limit`.
 * A refused body of at most `limit` bytes is read to its end (`drained`), so the client finishes
 * its upload and sees the answer: a client whose upload is cut off sees a network error instead,
 * and the extension's sync would retry that rather than split the batch or stop on an auth error.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.resolve({ kind: 'too-large', drained: false });
  }
  return new Promise((resolve) => {
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
      if (received > limit) {
        chunks.length = 0;
        req.pause();
        finish({ kind: 'too-large', drained: false });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ kind: 'ok', body: Buffer.concat(chunks, received) });
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

/** Discards a body nobody will look at, reading at most `limit` bytes; false when it was longer. */
export async function discardBody(req: IncomingMessage, limit: number): Promise<boolean> {
  if (req.complete) return true;
  const result = await readBody(req, limit);
  return result.kind === 'ok';
}
