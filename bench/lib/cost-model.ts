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

/** A function's settings as the synthesized stack gives them. */
export interface FunctionSettings {
  readonly memoryMb: number;
  readonly architecture: string;
  /** `LoggingConfig.SystemLogLevel`; WARN drops Lambda's START, END and REPORT lines. */
  readonly systemLogLevel?: string;
  /** `LOG_SAMPLE_RATE`: the share of requests whose INFO line is written. */
  readonly logSampleRate?: number;
}

/** What bench/cost.ts measured. */
export interface MeasuredSizes {
  readonly settings: {
    readonly source: string;
    readonly ingest: FunctionSettings;
    readonly router: FunctionSettings;
    readonly routerBatchSize: number;
    readonly archiveRetentionDays: number;
  };
  readonly webhooks: number;
  readonly perWebhook: readonly {
    /** The stored item (docs/storage-layout.md), by DynamoDB's item size rules. */
    readonly itemBytes: number;
    readonly messageBytes: number;
    readonly eventBytes: number;
    readonly bodyBytes: number;
    /** Ingest log bytes of this webhook at the deployed sample rate (expected value). */
    readonly ingestLogBytes: number;
  }[];
  /** Router log bytes per event at the deployed sample rate (expected value). */
  readonly routerLogBytesPerEvent: number;
}

/** CPU per webhook measured in the same run, µs: the handlers and the floors of the same work. */
export interface MeasuredCpu {
  readonly ingestUs: number;
  readonly routerUsPerEvent: number;
  readonly ingestFloorUs: number;
  readonly routerFloorUsPerEvent: number;
}

/** One line of the bill: what we pay and what the floor of the same step pays. */
export interface CostLine {
  readonly line: string;
  readonly perWebhook: string;
  readonly usd: number;
  readonly floor: string;
  readonly floorUsd: number;
}

const KB = 1024;
const CHUNK_64KB = 64 * KB;
const GB = 1024 ** 3;
const MILLION = 1_000_000;
const units = (bytes: number, unit: number) => Math.max(1, Math.ceil(bytes / unit));
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Log bytes Lambda itself writes per invocation: none at system log level WARN (no START, END, REPORT). */
const platformLogBytes = (fn: FunctionSettings, assumed: number) =>
  fn.systemLogLevel === 'WARN' || fn.systemLogLevel === 'ERROR' ? 0 : assumed;

/**
 * Cost per million webhooks at list prices, line by line, beside the floor of the same shape: one
 * HTTP API request, one conditional PutItem of one write unit, one SendMessage, batched receive and
 * delete, both functions' requests and durations at the floor's CPU, one PutEvents entry and the
 * archive; no read, no log byte. Each measured quantity is averaged over every catalogue sample.
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
  const ingestMs = (us: number) =>
    Math.ceil(us / 1000 / cpuShare(settings.ingest.memoryMb) + assumptions.ingestIoWaitMs);
  const routerBatchMs = (usPerEvent: number) =>
    Math.ceil(
      (usPerEvent * batch) / 1000 / cpuShare(settings.router.memoryMb) + assumptions.routerIoWaitMsPerBatch,
    );
  const ingestUsd = (ms: number) =>
    (settings.ingest.memoryMb / 1024) * (ms / 1000) * gbSecond(settings.ingest.architecture) * MILLION;
  const routerUsd = (ms: number) =>
    ((settings.router.memoryMb / 1024) * (ms / 1000) * gbSecond(settings.router.architecture) * MILLION) /
    batch;

  // The happy path writes one item (docs/storage-layout.md): no index entry, no mark by the router.
  const writeUnits = mean(w.map((s) => units(s.itemBytes, KB)));
  const oneUnitShare = w.filter((s) => s.itemBytes <= KB).length / w.length;
  // BatchGetItem, eventually consistent: half a unit per 4 KB of each item, whatever it projects.
  const readUnits = mean(w.map((s) => units(s.itemBytes, 4 * KB) / 2));
  const meanMessage = mean(w.map((s) => s.messageBytes));
  const meanEventBytes = mean(w.map((s) => s.eventBytes));
  const platformBytes =
    platformLogBytes(settings.ingest, assumptions.platformLogBytesPerInvocation) +
    platformLogBytes(settings.router, assumptions.platformLogBytesPerInvocation) / batch;
  const applicationLogBytes = mean(w.map((s) => s.ingestLogBytes)) + sizes.routerLogBytesPerEvent;
  const logBytes = applicationLogBytes + platformBytes;
  const archiveMonths = (settings.archiveRetentionDays || 365) / 30;
  const apiUnits = mean(w.map((s) => units(s.bodyBytes, 512 * KB)));
  const sendUnits = mean(w.map((s) => units(s.messageBytes, CHUNK_64KB)));
  const receiveDelete = (units(meanMessage * batch, CHUNK_64KB) + 1) / batch;
  const eventUnits = mean(w.map((s) => units(s.eventBytes, CHUNK_64KB)));
  const archiveUsd =
    ((meanEventBytes * MILLION) / GB) *
    (p('eventBridgeArchivePerGbProcessed') + archiveMonths * p('eventBridgeArchivePerGbMonthStored'));
  const sampleRate = (fn: FunctionSettings) => (fn.logSampleRate === undefined ? 1 : fn.logSampleRate);
  const same = 'same';

  const lines: CostLine[] = [
    {
      line: 'API Gateway HTTP API',
      perWebhook: `${round(apiUnits, 2)} request (512 KB units)`,
      usd: apiUnits * p('apiGatewayHttpApiPerMillionRequests'),
      floor: same,
      floorUsd: apiUnits * p('apiGatewayHttpApiPerMillionRequests'),
    },
    {
      line: 'Ingest Lambda requests',
      perWebhook: '1 invocation',
      usd: p('lambdaPerMillionRequests'),
      floor: same,
      floorUsd: p('lambdaPerMillionRequests'),
    },
    {
      line: 'Ingest Lambda duration',
      perWebhook: `${ingestMs(cpu.ingestUs)} ms billed at ${settings.ingest.memoryMb} MB ${settings.ingest.architecture} (${round(cpu.ingestUs, 1)} µs CPU measured + ${assumptions.ingestIoWaitMs} ms I/O assumed)`,
      usd: ingestUsd(ingestMs(cpu.ingestUs)),
      floor: `${ingestMs(cpu.ingestFloorUs)} ms (${round(cpu.ingestFloorUs, 1)} µs CPU)`,
      floorUsd: ingestUsd(ingestMs(cpu.ingestFloorUs)),
    },
    {
      line: 'DynamoDB writes',
      perWebhook: `${round(writeUnits, 2)} WRU (one conditional PutItem; ${Math.round(oneUnitShare * 100)}% of samples fit 1 KB)`,
      usd: writeUnits * p('dynamodbPerMillionWriteRequestUnits'),
      floor: '1 WRU',
      floorUsd: p('dynamodbPerMillionWriteRequestUnits'),
    },
    {
      line: 'DynamoDB reads',
      perWebhook: `${round(readUnits, 2)} RRU (router BatchGetItem, eventually consistent)`,
      usd: readUnits * p('dynamodbPerMillionReadRequestUnits'),
      floor: 'none',
      floorUsd: 0,
    },
    {
      line: 'SQS SendMessage',
      perWebhook: `${round(sendUnits, 2)} request (64 KB chunks)`,
      usd: sendUnits * p('sqsStandardPerMillionRequests'),
      floor: same,
      floorUsd: sendUnits * p('sqsStandardPerMillionRequests'),
    },
    {
      line: `SQS receive + delete (batches of ${batch})`,
      perWebhook: `${round(receiveDelete, 2)} request`,
      usd: receiveDelete * p('sqsStandardPerMillionRequests'),
      floor: same,
      floorUsd: receiveDelete * p('sqsStandardPerMillionRequests'),
    },
    {
      line: 'Router Lambda requests',
      perWebhook: `1/${batch} invocation`,
      usd: p('lambdaPerMillionRequests') / batch,
      floor: same,
      floorUsd: p('lambdaPerMillionRequests') / batch,
    },
    {
      line: 'Router Lambda duration',
      perWebhook: `${routerBatchMs(cpu.routerUsPerEvent)} ms billed per batch at ${settings.router.memoryMb} MB (${round(cpu.routerUsPerEvent, 1)} µs CPU per event measured + ${assumptions.routerIoWaitMsPerBatch} ms I/O assumed)`,
      usd: routerUsd(routerBatchMs(cpu.routerUsPerEvent)),
      floor: `${routerBatchMs(cpu.routerFloorUsPerEvent)} ms (${round(cpu.routerFloorUsPerEvent, 1)} µs CPU per event)`,
      floorUsd: routerUsd(routerBatchMs(cpu.routerFloorUsPerEvent)),
    },
    {
      line: 'EventBridge PutEvents',
      perWebhook: `${round(eventUnits, 2)} event (64 KB chunks)`,
      usd: eventUnits * p('eventBridgePerMillionCustomEvents'),
      floor: same,
      floorUsd: eventUnits * p('eventBridgePerMillionCustomEvents'),
    },
    {
      line: `EventBridge archive (${settings.archiveRetentionDays || 'no limit, counted as 365'} days)`,
      perWebhook: `${Math.round(meanEventBytes)} B processed and kept`,
      usd: archiveUsd,
      floor: same,
      floorUsd: archiveUsd,
    },
    {
      line: 'CloudWatch Logs ingestion',
      perWebhook: `${Math.round(logBytes)} B (EMF counts, request lines sampled at ${sampleRate(settings.ingest)} / ${sampleRate(settings.router)}, ${Math.round(platformBytes)} B of Lambda platform lines)`,
      usd: ((logBytes * MILLION) / GB) * p('cloudWatchLogsPerGbIngested'),
      floor: 'none',
      floorUsd: 0,
    },
  ].map((l) => ({ ...l, usd: round(l.usd, 3), floorUsd: round(l.floorUsd, 3) }));
  const total = lines.reduce((sum, l) => sum + l.usd, 0);
  const floor = lines.reduce((sum, l) => sum + l.floorUsd, 0);
  const alternatives = Object.fromEntries(
    Object.entries(table.alternatives).map(([name, price]) => [name, price.usd]),
  );
  return {
    costPerMillionUsd: round(total, 2),
    floorPerMillionUsd: round(floor, 2),
    ratioToFloor: round(total / floor, 3),
    writeUnitsPerWebhook: round(writeUnits, 3),
    oneWriteUnitShare: round(oneUnitShare, 3),
    readUnitsPerWebhook: round(readUnits, 3),
    logBytesPerWebhook: Math.round(logBytes),
    logBytes: {
      ingestPerWebhook: Math.round(mean(w.map((s) => s.ingestLogBytes))),
      routerPerEvent: Math.round(sizes.routerLogBytesPerEvent),
      platformPerWebhook: Math.round(platformBytes),
    },
    lines,
    pricesRead: table.read,
    region: table.region,
    settingsSource: settings.source,
    vsHookdeck: round(total / (alternatives.hookdeckPerMillionEvents ?? Number.NaN), 2),
    vsSvix: round(total / (alternatives.svixPerMillionMessages ?? Number.NaN), 3),
    alternatives,
  };
};
