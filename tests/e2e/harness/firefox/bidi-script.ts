import type { BidiConnection } from './bidi-connection';

interface EvaluateResult {
  type: 'success' | 'exception';
  result?: { type: string; value?: unknown };
  exceptionDetails?: { text?: string; stackTrace?: unknown };
}

/**
 * Runs `fn(arg)` in a browsing context (a tab, or the browser's chrome window) and resolves to
 * what it returned. The argument and the result travel as JSON strings, so they are plain data
 * exactly as in Playwright's `evaluate` (no BiDi remote-value mapping), and a returned promise
 * is awaited. `fn` is sent as source text: it must not close over anything of the test.
 */
export async function callInContext<A, R>(
  connection: BidiConnection,
  context: string,
  fn: (arg: A) => R | Promise<R>,
  arg: A,
  { timeout = 30_000 } = {},
): Promise<R> {
  const functionDeclaration = `async function (json) {
    const result = await (${fn.toString()})(JSON.parse(json));
    return result === undefined ? undefined : JSON.stringify(result);
  }`;
  const answer = await connection.send<EvaluateResult>(
    'script.callFunction',
    {
      functionDeclaration,
      target: { context },
      arguments: [{ type: 'string', value: JSON.stringify(arg ?? null) }],
      awaitPromise: true,
      resultOwnership: 'none',
    },
    { timeout },
  );
  if (answer.type === 'exception') {
    throw new Error(`In the page: ${answer.exceptionDetails?.text ?? 'an exception'}`);
  }
  const value = answer.result?.type === 'string' ? (answer.result.value as string) : undefined;
  return (value === undefined ? undefined : JSON.parse(value)) as R;
}
