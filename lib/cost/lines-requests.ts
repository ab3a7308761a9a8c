import { accessLogLineBytes, FLOOR_ACCESS_LOG_FORMAT } from './access-log-size.js';
import type { BillContext } from './bill-context.js';
import { type BillLine, count, gbText, LineKind } from './bill-line.js';
import type { Price } from './prices.js';
import { tieredCost } from './prices.js';
import { tracesPerMonth } from './traffic.js';

// The lines that grow with the webhooks: each service's requests, the functions' duration, log
// lines and traces, and what the archive processes.

const KB = 1024;
const GB = 1024 ** 3;
const MILLION = 1_000_000;
const units = (bytes: number, unit: number) => Math.max(1, Math.ceil(bytes / unit));

/** API Gateway: one request per 512 KB of each webhook, at the tiered price. */
export const apiLines = (ctx: BillContext): BillLine[] => {
  const apis = ctx.ofType('AWS::ApiGatewayV2::Api');
  if (apis.length === 0) return [];
  const perWebhook = ctx.profile.perWebhook.apiRequestUnits;
  const requests = ctx.webhooks * perWebhook;
  const usd = tieredCost(ctx.prices.prices.apiGatewayHttpApiPerMillionRequests as Price, requests, MILLION);
  return [
    {
      kind: LineKind.PerWebhook,
      line: 'API Gateway HTTP API requests',
      quantity: `${count(requests)} requests (${perWebhook.toFixed(2)} per webhook: 512 KB units)`,
      usd,
      floor: 'same',
      floorUsd: usd,
      resources: apis.map((r) => r.id),
    },
  ];
};

/** Each function: requests, billed duration, log lines, and X-Ray traces when it traces. */
export const functionLines = (ctx: BillContext): BillLine[] =>
  ctx.invocations.flatMap((inv) => {
    const { fn, name } = inv;
    const gbSecond =
      fn.architecture === 'arm64' ? ctx.p('lambdaArm64PerGbSecond') : ctx.p('lambdaX86PerGbSecond');
    const durationUsd = (ms: number) => inv.perMonth * (fn.memoryMb / 1024) * (ms / 1000) * gbSecond;
    const requestsUsd = (inv.perMonth / MILLION) * ctx.p('lambdaPerMillionRequests');
    const lines: BillLine[] = [
      {
        kind: LineKind.PerWebhook,
        line: `Lambda ${name}: requests`,
        quantity: `${count(inv.perMonth)} invocations${inv.batches ? ` (${inv.recordsPerInvocation.toFixed(2)} records each)` : ''}`,
        usd: requestsUsd,
        floor: 'same',
        floorUsd: requestsUsd,
        resources: [fn.id],
      },
      {
        kind: LineKind.PerWebhook,
        line: `Lambda ${name}: duration`,
        quantity: `${inv.billedMs} ms billed per invocation at ${fn.memoryMb} MB ${fn.architecture} (${inv.cpuUs.toFixed(1)} µs CPU measured + ${inv.ioMs} ms I/O assumed)`,
        usd: durationUsd(inv.billedMs),
        floor: `${inv.floorBilledMs} ms (${inv.floorCpuUs.toFixed(1)} µs CPU)`,
        floorUsd: durationUsd(inv.floorBilledMs),
        resources: [fn.id],
      },
      {
        kind: LineKind.PerWebhook,
        line: `CloudWatch Logs: ${name} log lines`,
        quantity: `${gbText(inv.logBytes)} (${(inv.logBytes / ctx.webhooks).toFixed(0)} B per webhook: counts, request lines sampled at ${fn.logSampleRate}${inv.platformLines ? ', START/END/REPORT' : ''})`,
        usd: (inv.logBytes / GB) * ctx.p('cloudWatchLogsPerGbIngested'),
        floor: 'none',
        floorUsd: 0,
        resources: [fn.id],
      },
    ];
    if (fn.tracing) {
      const traces = tracesPerMonth(
        inv.perMonth / ctx.seconds,
        ctx.seconds,
        ctx.a('xrayReservoirPerSecond'),
        ctx.a('xrayFixedRate'),
      );
      lines.push({
        kind: LineKind.PerWebhook,
        line: `X-Ray traces: ${name}`,
        quantity: `${count(traces)} traces (${((traces / inv.perMonth) * 100).toFixed(1)} % of invocations: 1 a second and 5 % of the rest)`,
        usd: (traces / MILLION) * ctx.p('xrayPerMillionTracesRecorded'),
        floor: 'none',
        floorUsd: 0,
        resources: [fn.id],
      });
    }
    return lines;
  });

/** DynamoDB: the conditional put of each webhook, and the router's read of it. */
export const tableRequestLines = (ctx: BillContext): BillLine[] => {
  const tables = ctx.ofType('AWS::DynamoDB::Table').map((r) => r.id);
  if (tables.length === 0) return [];
  const { writeUnits, readUnits, oneWriteUnitShare } = ctx.profile.perWebhook;
  const lines: BillLine[] = [
    {
      kind: LineKind.PerWebhook,
      line: 'DynamoDB writes',
      quantity: `${count(ctx.webhooks * writeUnits)} write units (${writeUnits.toFixed(3)} per webhook: one conditional PutItem; ${Math.round(oneWriteUnitShare * 100)} % of samples fit 1 KB)`,
      usd: ((ctx.webhooks * writeUnits) / MILLION) * ctx.p('dynamodbPerMillionWriteRequestUnits'),
      floor: '1 write unit a webhook',
      floorUsd: (ctx.webhooks / MILLION) * ctx.p('dynamodbPerMillionWriteRequestUnits'),
      resources: tables,
    },
  ];
  if (readUnits > 0 && ctx.invocations.some((inv) => inv.batches)) {
    lines.push({
      kind: LineKind.PerWebhook,
      line: 'DynamoDB reads',
      quantity: `${count(ctx.webhooks * readUnits)} read units (${readUnits.toFixed(2)} per webhook: the router's BatchGetItem, eventually consistent)`,
      usd: ((ctx.webhooks * readUnits) / MILLION) * ctx.p('dynamodbPerMillionReadRequestUnits'),
      floor: 'none',
      floorUsd: 0,
      resources: tables,
    });
  }
  return lines;
};

/** SQS: each webhook's send, and the event source's receives, deletes and idle long polls. */
export const queueLines = (ctx: BillContext): BillLine[] =>
  ctx.invocations.flatMap((inv) => {
    const trigger = inv.fn.trigger;
    if (trigger?.kind !== 'queue' || !inv.batches) return [];
    const shape = inv.batches;
    const usd = (requests: number) => (requests / MILLION) * ctx.p('sqsStandardPerMillionRequests');
    const { sendRequests, messageBytes } = ctx.profile.perWebhook;
    const sends = ctx.webhooks * sendRequests;
    const receives =
      ctx.webhooks * shape.receivesPerWebhook * units(shape.recordsPerReceive * messageBytes, 64 * KB);
    const deletes = ctx.webhooks * shape.deletesPerWebhook;
    const resources = [trigger.queueId, trigger.mappingId];
    return [
      {
        kind: LineKind.PerWebhook,
        line: 'SQS SendMessage',
        quantity: `${count(sends)} requests (64 KB units)`,
        usd: usd(sends),
        floor: 'same',
        floorUsd: usd(sends),
        resources: [trigger.queueId],
      },
      {
        kind: LineKind.PerWebhook,
        line: 'SQS receives and deletes (the event source)',
        quantity: `${count(receives)} receives and ${count(deletes)} deletes: batches of ${shape.meanBatch.toFixed(2)} at ${ctx.rate.toFixed(2)} webhooks/s (batch size ${trigger.batchSize}, window ${trigger.batchingWindowSeconds} s)`,
        usd: usd(receives + deletes),
        floor: 'same',
        floorUsd: usd(receives + deletes),
        resources,
      },
      {
        kind: LineKind.Monthly,
        line: 'SQS empty receives (idle long polls of the event source)',
        quantity: `${count(shape.emptyReceivesPerMonth)} receives (${ctx.a('sqsEventSourcePollers')} pollers, one every ${ctx.a('sqsLongPollSeconds')} s while idle)`,
        usd: usd(shape.emptyReceivesPerMonth),
        floor: 'same: any SQS event source polls',
        floorUsd: usd(shape.emptyReceivesPerMonth),
        resources,
      },
    ];
  });

/** EventBridge: one PutEvents entry per webhook, and what the archive processes. */
export const busLines = (ctx: BillContext): BillLine[] => {
  const lines: BillLine[] = [];
  const buses = ctx.ofType('AWS::Events::EventBus');
  const { eventEntries, eventBytes } = ctx.profile.perWebhook;
  if (buses.length > 0) {
    const entries = ctx.webhooks * eventEntries;
    const usd = (entries / MILLION) * ctx.p('eventBridgePerMillionCustomEvents');
    lines.push({
      kind: LineKind.PerWebhook,
      line: 'EventBridge PutEvents',
      quantity: `${count(entries)} events (64 KB units)`,
      usd,
      floor: 'same',
      floorUsd: usd,
      resources: buses.map((r) => r.id),
    });
  }
  for (const archive of ctx.ofType('AWS::Events::Archive')) {
    const bytes = ctx.webhooks * eventBytes;
    const usd = (bytes / GB) * ctx.p('eventBridgeArchivePerGbProcessed');
    lines.push({
      kind: LineKind.PerWebhook,
      line: 'EventBridge archive: events processed',
      quantity: `${gbText(bytes)} (${Math.round(eventBytes)} B an event)`,
      usd,
      floor: 'same',
      floorUsd: usd,
      resources: [archive.id],
    });
  }
  return lines;
};

/** The HTTP API stage's access log: one line a request, beside the smallest line the floor keeps. */
export const accessLogLines = (ctx: BillContext): BillLine[] =>
  ctx.facts.accessLogs.map((log) => {
    const overhead = ctx.a('logEventOverheadBytes');
    const lineBytes = accessLogLineBytes(log.format) + overhead;
    const floorLineBytes = accessLogLineBytes(FLOOR_ACCESS_LOG_FORMAT) + overhead;
    const requests = ctx.webhooks * ctx.profile.perWebhook.apiRequestUnits;
    const price = ctx.p('cloudWatchLogsPerGbIngested');
    return {
      kind: LineKind.PerWebhook,
      line: 'CloudWatch Logs: API access log',
      quantity: `${gbText(requests * lineBytes)} (${lineBytes} B a request)`,
      usd: ((requests * lineBytes) / GB) * price,
      floor: `${floorLineBytes} B a request: request id and status, the access log the stage must have`,
      floorUsd: ((requests * floorLineBytes) / GB) * price,
      resources: [log.stageId],
    };
  });
