import WebSocket from 'ws';

/** An error answer to a WebDriver BiDi command (`{ type: 'error', error, message }`). */
export class BidiError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    message: string,
  ) {
    super(`${method}: ${code}: ${message}`);
    this.name = 'BidiError';
  }
}

type EventListener = (params: Record<string, unknown>) => void;

interface Pending {
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A WebDriver BiDi session over one WebSocket: JSON-RPC style commands (`{ id, method, params }`
 * answered by `{ id, type: 'success' | 'error', ... }`) and events (`{ type: 'event', method,
 * params }`). Only what the tests use; no retries, no reconnection (a browser that went away is
 * a failed test, or a restart that opens a new connection).
 */
export class BidiConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<EventListener>>();
  private closedReason?: string;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.receive(String(data)));
    socket.on('close', () => this.failAll('the WebSocket to Firefox closed'));
    socket.on('error', (error) => this.failAll(`WebSocket error: ${error.message}`));
  }

  /** Connects to `ws://host:port/session` (the remote agent's endpoint for a new session). */
  static async connect(url: string, { timeout = 10_000 } = {}): Promise<BidiConnection> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`No WebSocket connection to ${url} within ${timeout} ms`));
      }, timeout);
      socket.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`WebSocket to ${url} failed: ${error.message}`, { cause: error }));
      });
    });
    return new BidiConnection(socket);
  }

  /** Sends a command and resolves to its `result`; rejects with a `BidiError` on an error answer. */
  send<T = Record<string, unknown>>(
    method: string,
    params: Record<string, unknown> = {},
    { timeout = 30_000 } = {},
  ): Promise<T> {
    if (this.closedReason) return Promise.reject(new Error(`${method}: ${this.closedReason}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer from Firefox within ${timeout} ms`));
      }, timeout);
      this.pending.set(id, { method, resolve: resolve as (result: unknown) => void, reject, timer });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Listens to an event the session subscribed to (`session.subscribe`); returns the unsubscriber. */
  on(method: string, listener: EventListener): () => void {
    let set = this.listeners.get(method);
    if (!set) this.listeners.set(method, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  close(): void {
    this.failAll('the connection was closed');
    this.socket.terminate();
  }

  private receive(text: string): void {
    const message = JSON.parse(text) as {
      id?: number;
      type?: string;
      method?: string;
      params?: Record<string, unknown>;
      result?: unknown;
      error?: string;
      message?: string;
    };
    if (message.type === 'event' && message.method) {
      for (const listener of this.listeners.get(message.method) ?? []) listener(message.params ?? {});
      return;
    }
    const pending = message.id === undefined ? undefined : this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id!);
    clearTimeout(pending.timer);
    if (message.type === 'success') pending.resolve(message.result);
    else pending.reject(new BidiError(pending.method, message.error ?? 'error', message.message ?? text));
  }

  private failAll(reason: string): void {
    this.closedReason ??= reason;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`${pending.method}: ${reason}`));
      this.pending.delete(id);
    }
  }
}
