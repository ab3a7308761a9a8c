import { parentPort, workerData } from 'node:worker_threads';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SHARED_CLIENT_CONFIG } from '../lambdas/shared/adapters/client-timeouts.js';
import { functionModule } from './function-module.js';
import type { RouterThreadMessage, RouterThreadRequest } from './router-thread.js';
import { type SqsBatchHandler, startSqsPoller } from './sqs-poller.js';

/**
 * The router thread of `webhook-pipeline dev` (started by router-thread.ts): the router's real
 * handler, fed by a poller as the event source mapping feeds it. Its environment is the one the
 * thread was started with (the function's, as the stack sets it).
 */
const port = parentPort;
if (!port) throw new Error('router-worker.ts runs as a worker thread');
const request = workerData as RouterThreadRequest;
const send = (message: RouterThreadMessage) => port.postMessage(message);

try {
  const { handler } = (await functionModule('router')) as { handler: SqsBatchHandler };
  const sqs = new SQSClient({ ...SHARED_CLIENT_CONFIG, endpoint: request.sqsEndpoint });
  const poller = startSqsPoller({
    client: sqs,
    queueUrl: request.queueUrl,
    queueArn: request.queueArn,
    handler,
    batchSize: request.batchSize,
    maxReceiveCount: request.maxReceiveCount,
    onBatch: ({ error, ...summary }) =>
      send({
        type: 'batch',
        summary: {
          ...summary,
          ...(error === undefined
            ? {}
            : { error: { message: error instanceof Error ? error.message : String(error) } }),
        },
      }),
  });
  port.on('message', async (message: unknown) => {
    if (message !== 'stop') return;
    await poller.stop();
    sqs.destroy();
    send({ type: 'closed' });
    // The SDK's clients keep sockets and timers; the thread ends here, the process goes on.
    process.exit(0);
  });
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
