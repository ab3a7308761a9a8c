/**
 * What the AWS SDK's HTTP handler reads of an abort signal, and all the adapters pass on: whether
 * it has aborted and why, and a listener for the abort (`@smithy/node-http-handler`).
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  // As loose as Node's own AbortSignal needs to be one.
  onabort: ((this: never, event: never) => unknown) | null;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * An abort signal without Node's `AbortController`, for the ingest budget of every request.
 * Hand-written because Node's is an `EventTarget`: building one and its signal costs about 2 µs,
 * half of what the floor of an Argyle webhook costs (docs/benchmarks.md), for a signal that fires
 * only when a call hangs. It does what the SDK asks of a signal: `aborted`, `reason`, and `abort`
 * listeners, each called once.
 */
export class BudgetAbortSignal implements AbortSignalLike {
  public aborted = false;
  public reason: unknown = undefined;
  public onabort: ((event: unknown) => void) | null = null;
  private listeners: (() => void)[] | undefined;

  public addEventListener(type: 'abort', listener: () => void, _options?: { once?: boolean }): void {
    // Each listener is called once anyway: the signal aborts once.
    if (type !== 'abort') return;
    this.listeners ??= [];
    this.listeners.push(listener);
  }

  public removeEventListener(type: 'abort', listener: () => void): void {
    if (type !== 'abort' || !this.listeners) return;
    this.listeners = this.listeners.filter((l) => l !== listener);
  }

  /**
   * Aborts once: sets the reason, then calls `onabort` and each listener. As with Node's signal, a
   * listener that throws neither stops the others (each aborts a call in flight) nor reaches the
   * caller: its error is thrown on the next tick.
   */
  public abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners ?? [];
    this.listeners = undefined;
    const call = (listener: () => void) => {
      try {
        listener();
      } catch (error) {
        process.nextTick(() => {
          throw error;
        });
      }
    };
    if (this.onabort) call(() => this.onabort?.({ type: 'abort' }));
    for (const listener of listeners) call(listener);
  }
}
