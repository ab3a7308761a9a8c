import { parentPort, workerData } from 'node:worker_threads';
import type { EmulatorThreadMessage, EmulatorThreadRequest } from './emulator-thread.js';
import { type Emulator, startDynamoEmulator, startSqsEmulator } from './emulators.js';

/**
 * The emulator thread of `webhook-pipeline dev` (started by emulator-thread.ts): dynalite and fauxqs
 * serve their HTTP endpoints here, so their request parsing, storage and answers run on a core of
 * their own instead of the event loop that serves the ingest endpoint and the router.
 */
const port = parentPort;
if (!port) throw new Error('emulator-worker.ts runs as a worker thread');
const request = workerData as EmulatorThreadRequest;
const started: Emulator[] = [];
const send = (message: EmulatorThreadMessage) => port.postMessage(message);

port.on('message', async (message: unknown) => {
  if (message !== 'close') return;
  await Promise.all(started.map((emulator) => emulator.close().catch(() => undefined)));
  send({ type: 'closed' });
  // fauxqs keeps timers (visibility timeouts, delays); the thread ends here, the process goes on.
  process.exit(0);
});

try {
  const dynamo = request.dynamo
    ? await startDynamoEmulator({ host: request.host, ...request.dynamo })
    : undefined;
  if (dynamo) started.push(dynamo);
  const sqs = request.sqs ? await startSqsEmulator({ host: request.host }) : undefined;
  if (sqs) started.push(sqs);
  send({ type: 'ready', dynamoEndpoint: dynamo?.endpoint, sqsEndpoint: sqs?.endpoint });
} catch (error) {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
