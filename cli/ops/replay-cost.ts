import { existsSync, readFileSync } from 'node:fs';

/** `bench/prices.json`, the list prices the bench uses (only the fields read here). */
interface Prices {
  readonly read: string;
  readonly region: string;
  readonly prices: Readonly<Record<string, { readonly usd: number }>>;
  readonly assumptions: { readonly routerIoWaitMsPerBatch: number };
}

const PRICES_URL = new URL('../../bench/prices.json', import.meta.url);

/** Reads the price list; a clear error when the package was installed without it. */
export const loadReplayPrices = (): Prices => {
  if (!existsSync(PRICES_URL)) throw new Error(`no price list at ${PRICES_URL.pathname}`);
  return JSON.parse(readFileSync(PRICES_URL, 'utf8')) as Prices;
};

/** What a replay will read and send. */
export interface ReplayVolume {
  /** Webhooks to re-publish. */
  readonly events: number;
  /** Table size from DescribeTable (refreshed by DynamoDB about every six hours; 0 when unknown). */
  readonly tableBytes: number;
  /** Read units the dry run's own Scan consumed (the real run's Scan reads the same items). */
  readonly measuredScanUnits: number;
  /** Mean stored item size of the selected webhooks, bytes. */
  readonly meanItemBytes: number;
  /** Mean size of the event the router will put, bytes. */
  readonly meanEventBytes: number;
}

/** One line of the estimate. */
export interface CostLine {
  readonly line: string;
  readonly quantity: string;
  readonly usd: number;
}

/** The router's settings in the stack (lib/webhook-pipeline-stack.ts): 512 MB arm64, batches of 10. */
const ROUTER = { memoryMb: 512, batchSize: 10 } as const;
const KB = 1024;
const MILLION = 1_000_000;
const SQS_BATCH = 10;

/**
 * The cost of a replay at list prices, line by line: the Scan (table size / 4 KB × 0.5 read units,
 * eventually consistent), SQS (batched sends, the router's receives and deletes), the router's
 * invocations and duration (the bench's assumed I/O wait per batch), its body reads, PutEvents and
 * the archive that records the replayed events again.
 */
export const replayCost = (volume: ReplayVolume, prices: Prices): { lines: CostLine[]; totalUsd: number } => {
  const p = (name: string) => {
    const price = prices.prices[name];
    if (!price) throw new Error(`bench/prices.json has no ${name}`);
    return price.usd;
  };
  const n = volume.events;
  const batches = Math.ceil(n / ROUTER.batchSize);
  const sends = Math.ceil(n / SQS_BATCH);
  const scanUnits =
    volume.tableBytes > 0 ? Math.ceil(volume.tableBytes / (4 * KB)) * 0.5 : volume.measuredScanUnits;
  const readUnitsPerEvent = Math.max(1, Math.ceil(volume.meanItemBytes / (4 * KB))) * 0.5;
  const eventChunks = Math.max(1, Math.ceil(volume.meanEventBytes / (64 * KB)));
  const gbSeconds = batches * (prices.assumptions.routerIoWaitMsPerBatch / 1000) * (ROUTER.memoryMb / 1024);
  const lines: CostLine[] = [
    {
      line: 'DynamoDB Scan',
      quantity:
        volume.tableBytes > 0
          ? `${scanUnits} RRU (${volume.tableBytes} B / 4 KB × 0.5; the dry run read ${volume.measuredScanUnits})`
          : `${scanUnits} RRU (measured by the dry run; DescribeTable reports no size yet)`,
      usd: (scanUnits * p('dynamodbPerMillionReadRequestUnits')) / MILLION,
    },
    {
      line: 'SQS SendMessageBatch',
      quantity: `${sends} requests (10 messages each)`,
      usd: (sends * p('sqsStandardPerMillionRequests')) / MILLION,
    },
    {
      line: 'SQS receive + delete (router)',
      quantity: `${2 * batches} requests`,
      usd: (2 * batches * p('sqsStandardPerMillionRequests')) / MILLION,
    },
    {
      line: 'Router Lambda requests',
      quantity: `${batches} invocations (batches of ${ROUTER.batchSize})`,
      usd: (batches * p('lambdaPerMillionRequests')) / MILLION,
    },
    {
      line: 'Router Lambda duration',
      quantity: `${batches} × ${prices.assumptions.routerIoWaitMsPerBatch} ms at ${ROUTER.memoryMb} MB arm64`,
      usd: gbSeconds * p('lambdaArm64PerGbSecond'),
    },
    {
      line: 'DynamoDB reads (router reads each body)',
      quantity: `${n} × ${readUnitsPerEvent} RRU`,
      usd: (n * readUnitsPerEvent * p('dynamodbPerMillionReadRequestUnits')) / MILLION,
    },
    {
      line: 'EventBridge PutEvents',
      quantity: `${n} × ${eventChunks} event (64 KB chunks, ${Math.round(volume.meanEventBytes)} B mean)`,
      usd: (n * eventChunks * p('eventBridgePerMillionCustomEvents')) / MILLION,
    },
    {
      line: 'EventBridge archive (processed)',
      quantity: `${n * Math.round(volume.meanEventBytes)} B`,
      usd: ((n * volume.meanEventBytes) / KB ** 3) * p('eventBridgeArchivePerGbProcessed'),
    },
  ];
  return { lines, totalUsd: lines.reduce((sum, l) => sum + l.usd, 0) };
};

/** Formats a dollar amount with enough digits to show small replays. */
export const usd = (value: number): string =>
  value === 0
    ? '$0'
    : value < 0.01
      ? `$${value.toFixed(Math.min(12, 1 - Math.floor(Math.log10(value))))}`
      : `$${value.toFixed(2)}`;
