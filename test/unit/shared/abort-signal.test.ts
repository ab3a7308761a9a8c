import { describe, expect, it, vi } from 'vitest';
import { BudgetAbortSignal } from '../../../lambdas/shared/abort-signal.js';

describe('BudgetAbortSignal (the ingest budget, without an AbortController)', () => {
  it('tells the listeners and onabort once, with the reason set before they run', () => {
    const signal = new BudgetAbortSignal();
    const seen: unknown[] = [];
    const listener = vi.fn(() => seen.push(signal.reason));
    const removed = vi.fn();
    signal.addEventListener('abort', listener, { once: true });
    signal.addEventListener('abort', removed);
    signal.removeEventListener('abort', removed);
    signal.onabort = vi.fn();
    expect(signal.aborted).toBe(false);
    const reason = new Error('budget');
    signal.abort(reason);
    signal.abort(new Error('again'));
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(seen).toEqual([reason]);
    expect(removed).not.toHaveBeenCalled();
    expect(signal.onabort).toHaveBeenCalledTimes(1);
  });

  it('calls every listener when one throws, and throws its error on the next tick, not to the caller', async () => {
    const signal = new BudgetAbortSignal();
    const failure = new Error('listener failed');
    const after = vi.fn();
    signal.onabort = () => {
      throw failure;
    };
    signal.addEventListener('abort', () => {
      throw failure;
    });
    signal.addEventListener('abort', after);
    const uncaught: unknown[] = [];
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', (error) => uncaught.push(error));
    try {
      expect(() => signal.abort(new Error('budget'))).not.toThrow();
      expect(after).toHaveBeenCalledTimes(1);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.removeAllListeners('uncaughtException');
      for (const l of listeners) process.on('uncaughtException', l);
    }
    expect(uncaught).toEqual([failure, failure]);
  });
});
