import type { DynamoEmulatorOptions } from './emulators.js';
import { startModuleWorker, workerStarted } from './module-worker.js';

/** What the emulator thread starts: dynalite (with its options) and/or fauxqs. */
export interface EmulatorThreadRequest {
  readonly host: string;
  /** Start dynalite; `path` keeps its data on disk. */
  readonly dynamo?: Pick<DynamoEmulatorOptions, 'path'> | undefined;
  /** Start fauxqs. */
  readonly sqs: boolean;
}

/** Messages from the emulator thread. */
export type EmulatorThreadMessage =
  | {
      readonly type: 'ready';
      readonly dynamoEndpoint?: string | undefined;
      readonly sqsEndpoint?: string | undefined;
    }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'closed' };

/** The emulators running in their thread. */
export interface EmulatorThread {
  /** dynalite, when asked for. */
  readonly dynamoEndpoint?: string | undefined;
  /** fauxqs, when asked for. */
  readonly sqsEndpoint?: string | undefined;
  /** Closes both servers and ends the thread. */
  close(): Promise<void>;
}

const CLOSE_TIMEOUT_MS = 5000;

/**
 * Starts dynalite and fauxqs in a worker thread of this process. The dev runtime would otherwise
 * serve every emulator request on the same event loop as the ingest endpoint and the router, which
 * keeps one core busy while the other idles; a thread (not a child process) ends with the process
 * whatever the signal, so nothing is left running.
 */
export const startEmulatorThread = async (request: EmulatorThreadRequest): Promise<EmulatorThread> => {
  const worker = startModuleWorker('emulator-worker', { workerData: request });
  const exited = new Promise<void>((resolveExit) => worker.once('exit', () => resolveExit()));
  const ready = await workerStarted<EmulatorThreadMessage>(worker, 'emulator');
  const close = async () => {
    const closed = new Promise<void>((resolveClosed) => {
      worker.on('message', (message: EmulatorThreadMessage) => {
        if (message.type === 'closed') resolveClosed();
      });
    });
    worker.postMessage('close');
    const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
    await Promise.race([closed.then(() => exited), exited]);
    clearTimeout(timer);
  };
  return { dynamoEndpoint: ready.dynamoEndpoint, sqsEndpoint: ready.sqsEndpoint, close };
};
