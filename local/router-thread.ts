import type { Readable, Writable } from 'node:stream';
import { startModuleWorker, workerStarted } from './module-worker.js';
import type { BatchSummary } from './sqs-poller.js';

/** What the router thread needs: the queue it polls like the event source mapping. */
export interface RouterThreadRequest {
  /** The SQS endpoint the poller receives from (not the function's: the mapping's calls are not its own). */
  readonly sqsEndpoint: string | undefined;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly batchSize: number;
  readonly maxReceiveCount: number;
}

/** A batch's outcome as it crosses the thread: its error reduced to the message. */
export type ThreadBatchSummary = Omit<BatchSummary, 'error'> & {
  readonly error?: { readonly message: string };
};

/** Messages from the router thread. */
export type RouterThreadMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'batch'; readonly summary: ThreadBatchSummary }
  | { readonly type: 'closed' };

/** Options of {@link startRouterThread}. */
export interface RouterThreadOptions extends RouterThreadRequest {
  /** The environment the router reads its configuration from, as the stack sets it. */
  readonly env: Readonly<NodeJS.ProcessEnv>;
  /** Called after each invocation (for the traffic log). */
  readonly onBatch: (summary: ThreadBatchSummary) => void;
  /** Where the router's own log lines go (this process's stdout and stderr by default). */
  readonly stdout?: Writable;
  readonly stderr?: Writable;
}

/** The router running in its thread. */
export interface RouterThread {
  /** Stops polling, lets the batch in hand finish, and ends the thread. */
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 15_000;

/**
 * Passes a thread's output on line by line as strings: the worker's stream carries buffers cut
 * anywhere, and the dev log rewrites whole JSON lines written as strings.
 */
const forwardLines = (from: Readable, to: Writable) => {
  let partial = '';
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    const text = partial + chunk;
    const end = text.lastIndexOf('\n') + 1;
    partial = text.slice(end);
    if (end > 0) to.write(text.slice(0, end));
  });
  from.on('end', () => {
    if (partial) to.write(partial);
  });
};

/**
 * Starts the router with its SQS poller in a worker thread of this process. In AWS the router runs
 * in execution environments of its own; here a thread keeps a batch (its reads, publish and
 * deletes) off the event loop that answers webhooks, so a router busy with a burst does not hold
 * ingest's answers, and the two use both cores as the functions would use two environments.
 */
export const startRouterThread = async ({
  env,
  onBatch,
  stdout = process.stdout,
  stderr = process.stderr,
  ...request
}: RouterThreadOptions): Promise<RouterThread> => {
  const worker = startModuleWorker('router-worker', {
    workerData: request,
    env: { ...env },
    stdout: true,
    stderr: true,
  });
  forwardLines(worker.stdout, stdout);
  forwardLines(worker.stderr, stderr);
  const exited = new Promise<void>((resolveExit) => worker.once('exit', () => resolveExit()));
  worker.on('message', (message: RouterThreadMessage) => {
    if (message.type === 'batch') onBatch(message.summary);
  });
  await workerStarted<RouterThreadMessage>(worker, 'router');
  return {
    async stop() {
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
};
