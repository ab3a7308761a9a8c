import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './child.js';
import { round } from './stats.js';

interface Price {
  readonly usd: number;
  readonly detail?: string;
  readonly source: string;
}

/** `bench/prices.json`. */
export interface PriceTable {
  readonly read: string;
  readonly region: string;
  readonly prices: Readonly<Record<string, Price>>;
  readonly alternatives: Readonly<Record<string, Price>>;
  readonly assumptions: {
    readonly vcpuAtMemoryMb: number;
    readonly ingestIoWaitMs: number;
    readonly routerIoWaitMsPerBatch: number;
    readonly platformLogBytesPerInvocation: number;
  };
}

export const loadPrices = (): PriceTable =>
  JSON.parse(readFileSync(join(ROOT, 'bench', 'prices.json'), 'utf8')) as PriceTable;

/** What bench/cost.ts measured. */
export interface MeasuredSizes {
  readonly settings: {
    readonly source: string;
    readonly ingest: { readonly memoryMb: number; readonly architecture: string };
    readonly router: { readonly memoryMb: number; readonly architecture: string };
    readonly routerBatchSize: number;
    readonly archiveRetentionDays: number;
  };
  readonly webhooks: number;
  readonly perWebhook: readonly {
    readonly itemBytes: number;
    readonly publishedItemBytes: number;
    readonly byProviderDayEntryBytes: number;
    readonly pendingEntryBytes: number;
    readonly messageBytes: number;
    readonly eventBytes: number;
    readonly bodyBytes: number;
    readonly ingestLogBytes: number;
  }[];
  readonly routerLogBytesPerEvent: number;
}

/** CPU per webhook measured in the same run, µs. */
export interface MeasuredCpu {
  readonly ingestUs: number;
  readonly routerUsPerEvent: number;
}

const KB = 1024;
const CHUNK_64KB = 64 * KB;
const GB = 1024 ** 3;
const MILLION = 1_000_000;
const units = (bytes: number, unit: number) => Math.max(1, Math.ceil(bytes / unit));
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Cost per million webhooks at list prices, line by line: each line's quantity per webhook comes
 * from a measured size (averaged over every catalogue sample) or a measured duration.
 */
export const costPerMillion = (sizes: MeasuredSizes, cpu: MeasuredCpu, table: PriceTable) => {
  const p = (name: string) => {
    const price = table.prices[name];
    if (!price) throw new Error(`bench/prices.json has no ${name}`);
    return price.usd;
  };
  const { settings } = sizes;
  const { assumptions } = table;
  const batch = settings.routerBatchSize;
  const w = sizes.perWebhook;
  const gbSecond = (architecture: string) =>
    p(architecture === 'arm64' ? 'lambdaArm64PerGbSecond' : 'lambdaX86PerGbSecond');
  const cpuShare = (memoryMb: number) => Math.min(1, memoryMb / assumptions.vcpuAtMemoryMb);

  // Lambda bills each invocation in whole milliseconds.
  const ingestMs = Math.ceil(
    cpu.ingestUs / 1000 / cpuShare(settings.ingest.memoryMb) + assumptions.ingestIoWaitMs,
  );
  const routerBatchMs = Math.ceil(
    (cpu.routerUsPerEvent * batch) / 1000 / cpuShare(settings.router.memoryMb) +
      assumptions.routerIoWaitMsPerBatch,
  );
  // Ingest writes the item and an entry in each index; the router reads it, then marks it
  // published: the item rewritten and its entry deleted from the index of records still pending.
  const writeUnits = mean(
    w.map(
      (s) =>
        units(s.itemBytes, KB) +
        units(s.byProviderDayEntryBytes, KB) +
        units(s.pendingEntryBytes, KB) +
        units(Math.max(s.itemBytes, s.publishedItemBytes), KB) +
        units(s.pendingEntryBytes, KB),
    ),
  );
  const readUnits = mean(w.map((s) => units(s.itemBytes, 4 * KB) / 2));
  const meanMessage = mean(w.map((s) => s.messageBytes));
  const meanEventBytes = mean(w.map((s) => s.eventBytes));
  const logBytes =
    mean(w.map((s) => s.ingestLogBytes)) +
    sizes.routerLogBytesPerEvent +
    assumptions.platformLogBytesPerInvocation * (1 + 1 / batch);
  const archiveMonths = (settings.archiveRetentionDays || 365) / 30;

  const lines = [
    {
      line: 'API Gateway HTTP API',
      perWebhook: `${round(mean(w.map((s) => units(s.bodyBytes, 512 * KB))), 2)} request (512 KB units)`,
      usd: mean(w.map((s) => units(s.bodyBytes, 512 * KB))) * p('apiGatewayHttpApiPerMillionRequests'),
    },
    { line: 'Ingest Lambda requests', perWebhook: '1 invocation', usd: p('lambdaPerMillionRequests') },
    {
      line: 'Ingest Lambda duration',
      perWebhook: `${ingestMs} ms billed at ${settings.ingest.memoryMb} MB ${settings.ingest.architecture} (${round(cpu.ingestUs, 1)} µs CPU measured + ${assumptions.ingestIoWaitMs} ms I/O assumed)`,
      usd:
        (settings.ingest.memoryMb / 1024) *
        (ingestMs / 1000) *
        gbSecond(settings.ingest.architecture) *
        MILLION,
    },
    {
      line: 'DynamoDB writes',
      perWebhook: `${round(writeUnits, 2)} WRU (put + 2 index entries, mark published + pending entry removed)`,
      usd: writeUnits * p('dynamodbPerMillionWriteRequestUnits'),
    },
    {
      line: 'DynamoDB reads',
      perWebhook: `${round(readUnits, 2)} RRU (router BatchGetItem, eventually consistent)`,
      usd: readUnits * p('dynamodbPerMillionReadRequestUnits'),
    },
    {
      line: 'SQS SendMessage',
      perWebhook: `${round(mean(w.map((s) => units(s.messageBytes, CHUNK_64KB))), 2)} request (64 KB chunks)`,
      usd: mean(w.map((s) => units(s.messageBytes, CHUNK_64KB))) * p('sqsStandardPerMillionRequests'),
    },
    {
      line: `SQS receive + delete (batches of ${batch})`,
      perWebhook: `${round((units(meanMessage * batch, CHUNK_64KB) + 1) / batch, 2)} request`,
      usd: ((units(meanMessage * batch, CHUNK_64KB) + 1) / batch) * p('sqsStandardPerMillionRequests'),
    },
    {
      line: 'Router Lambda requests',
      perWebhook: `1/${batch} invocation`,
      usd: p('lambdaPerMillionRequests') / batch,
    },
    {
      line: 'Router Lambda duration',
      perWebhook: `${routerBatchMs} ms billed per batch at ${settings.router.memoryMb} MB (${round(cpu.routerUsPerEvent, 1)} µs CPU per event measured + ${assumptions.routerIoWaitMsPerBatch} ms I/O assumed)`,
      usd:
        ((settings.router.memoryMb / 1024) *
          (routerBatchMs / 1000) *
          gbSecond(settings.router.architecture) *
          MILLION) /
        batch,
    },
    {
      line: 'EventBridge PutEvents',
      perWebhook: `${round(mean(w.map((s) => units(s.eventBytes, CHUNK_64KB))), 2)} event (64 KB chunks)`,
      usd: mean(w.map((s) => units(s.eventBytes, CHUNK_64KB))) * p('eventBridgePerMillionCustomEvents'),
    },
    {
      line: `EventBridge archive (${settings.archiveRetentionDays || 'no limit, counted as 365'} days)`,
      perWebhook: `${Math.round(meanEventBytes)} B processed and kept`,
      usd:
        ((meanEventBytes * MILLION) / GB) *
        (p('eventBridgeArchivePerGbProcessed') + archiveMonths * p('eventBridgeArchivePerGbMonthStored')),
    },
    {
      line: 'CloudWatch Logs ingestion',
      perWebhook: `${Math.round(logBytes)} B (ingest and router lines measured, Lambda platform lines assumed)`,
      usd: ((logBytes * MILLION) / GB) * p('cloudWatchLogsPerGbIngested'),
    },
  ].map((l) => ({ ...l, usd: round(l.usd, 3) }));
  const total = lines.reduce((sum, l) => sum + l.usd, 0);
  const alternatives = Object.fromEntries(
    Object.entries(table.alternatives).map(([name, price]) => [name, price.usd]),
  );
  return {
    costPerMillionUsd: round(total, 2),
    lines,
    pricesRead: table.read,
    region: table.region,
    settingsSource: settings.source,
    vsHookdeck: round(total / (alternatives.hookdeckPerMillionEvents ?? Number.NaN), 2),
    vsSvix: round(total / (alternatives.svixPerMillionMessages ?? Number.NaN), 3),
    alternatives,
  };
};
