import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running one of this folder's modules (`name` without its extension): compiled
 * (the installed package) the module is JavaScript; from the sources it loads through tsx, as the
 * package's command does.
 */
export const startModuleWorker = (name: string, options: WorkerOptions): Worker => {
  const compiled = import.meta.url.endsWith('.js');
  const entry = new URL(`./${name}.${compiled ? 'js' : 'ts'}`, import.meta.url);
  return compiled
    ? new Worker(entry, options)
    : new Worker(
        // With the project's tsconfig, as bin/webhook-pipeline.js registers it: its paths map the
        // workspace package to its sources (a fresh clone has no build of it).
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register({ tsconfig: ${JSON.stringify(fileURLToPath(new URL('../tsconfig.json', import.meta.url)))} }); return import(${JSON.stringify(entry.href)}); });`,
        { ...options, eval: true },
      );
};

/** What a worker of this folder sends when it has started, or could not. */
export type WorkerStartMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly message: string };

/**
 * Resolves with the worker's `ready` message; rejects when it reports `failed`, throws or exits
 * first. An error after the start is thrown: it ends the dev runtime, as it would on the main thread.
 */
export const workerStarted = <M extends { readonly type: string }>(
  worker: Worker,
  label: string,
): Promise<Extract<M, { readonly type: 'ready' }>> =>
  new Promise((resolveStart, rejectStart) => {
    let started = false;
    worker.on('error', (error) => {
      if (!started) rejectStart(error);
      else throw error;
    });
    worker.once('exit', (code) => {
      if (!started) rejectStart(new Error(`the ${label} thread exited with code ${code} before it started`));
    });
    const onMessage = (message: M | WorkerStartMessage) => {
      if (started) return;
      if (message.type === 'failed') {
        worker.off('message', onMessage);
        void worker.terminate();
        rejectStart(new Error((message as Extract<WorkerStartMessage, { type: 'failed' }>).message));
      } else if (message.type === 'ready') {
        started = true;
        worker.off('message', onMessage);
        resolveStart(message as Extract<M, { readonly type: 'ready' }>);
      }
    };
    worker.on('message', onMessage);
  });
