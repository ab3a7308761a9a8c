import type { Json } from '../preflight/resolve-template.js';
import { accessLogLineBytes, FLOOR_ACCESS_LOG_FORMAT } from './access-log-size.js';
import { classifyAlarm } from './alarms.js';
import { CostInputError, UnpricedResourceError } from './errors.js';
import {
  type AssumptionName,
  assumptionOf,
  type PriceName,
  type PriceTable,
  priceOf,
  tieredCost,
} from './prices.js';
import { unknownTypes } from './resource-types.js';
import {
  type FunctionFacts,
  readTemplateFacts,
  referencedIds,
  type TemplateResource,
} from './template-facts.js';
import {
  batchShape,
  ratePerSecond,
  retainedMonths,
  shareOfHoursWithData,
  tracesPerMonth,
} from './traffic.js';
import type { FunctionProfile, MetricStream, Sampled, UsageProfile } from './usage-profile.js';

/** How a line grows: with the webhooks, by the month, or with what is kept. */
export const LineKind = {
  PerWebhook: 'per webhook',
  Monthly: 'monthly',
  Storage: 'storage',
} as const;
export type LineKind = (typeof LineKind)[keyof typeof LineKind];

/** One line of the bill, beside what the floor pays for the same thing. */
export interface BillLine {
  readonly kind: LineKind;
  readonly line: string;
  /** What is counted, in the service's units. */
  readonly quantity: string;
  readonly usd: number;
  /** What the floor pays, and why. */
  readonly floor: string;
  readonly floorUsd: number;
  /** The template's logical ids the line prices. */
  readonly resources: readonly string[];
}

/** A managed gateway's bill at the same volume. */
export interface AlternativeBill {
  readonly plan: string;
  readonly usd: number;
}

/** The monthly bill of a template at a volume. */
export interface MonthlyBill {
  readonly webhooksPerMonth: number;
  readonly ratePerSecond: number;
  readonly lines: readonly BillLine[];
  readonly totalUsd: number;
  readonly floorUsd: number;
  readonly ratioToFloor: number;
  readonly perMillionUsd: number;
  readonly floorPerMillionUsd: number;
  /** The router's batches at this rate (records per invocation), when a function consumes a queue. */
  readonly meanBatch: number | undefined;
  readonly alternatives: { readonly hookdeck: AlternativeBill; readonly svix: AlternativeBill };
  readonly pricesRead: string;
  readonly region: string;
}

/** What {@link monthlyBill} prices. */
export interface BillInputs {
  /** A synthesized CloudFormation template (JSON). */
  readonly template: Json;
  readonly profile: UsageProfile;
  readonly prices: PriceTable;
  readonly webhooksPerMonth: number;
}

const KB = 1024;
const GB = 1024 ** 3;
const MILLION = 1_000_000;
const units = (bytes: number, unit: number) => Math.max(1, Math.ceil(bytes / unit));
const count = (n: number) => Math.round(n).toLocaleString('en-US');
const gbText = (bytes: number) =>
  `${(bytes / GB).toLocaleString('en-US', { maximumSignificantDigits: 3 })} GB`;
const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

/** A measured quantity at a sample rate: the expected value between every line and none. */
const sampled = (q: Sampled, rate: number) => q.noLine + rate * (q.allLines - q.noLine);

/**
 * The monthly bill of a synthesized template at `webhooksPerMonth`, every line beside the floor
 * (docs/costs.md says what the floor counts and why). Resources are read by type and properties;
 * any the model cannot price fail with {@link UnpricedResourceError}, listing all of them.
 */
export const monthlyBill = ({ template, profile, prices, webhooksPerMonth }: BillInputs): MonthlyBill => {
  if (!Number.isFinite(webhooksPerMonth) || webhooksPerMonth <= 0) {
    throw new CostInputError(`webhooks a month must be a positive number, got ${webhooksPerMonth}`);
  }
  const facts = readTemplateFacts(template);
  const unpriced = [...unknownTypes(facts.resources), ...facts.unpricedProperties];
  if (unpriced.length > 0) throw new UnpricedResourceError(unpriced);

  const p = (name: PriceName) => priceOf(prices, name);
  const a = (name: AssumptionName) => assumptionOf(prices, name);
  const hours = a('hoursPerMonth');
  const seconds = hours * 3600;
  const V = webhooksPerMonth;
  const rate = ratePerSecond(V, hours);
  const perWebhook = profile.perWebhook;
  const lines: BillLine[] = [];
  const add = (line: BillLine) => lines.push(line);
  const ofType = (type: string) => facts.resources.filter((r) => r.type === type);
  const ids = (rs: readonly TemplateResource[]) => rs.map((r) => r.id);

  // ---- functions and what invokes them ---------------------------------------------------------
  const apiFunctions = facts.functions.filter((f) => f.trigger?.kind === 'api');
  const queueFunctions = facts.functions.filter((f) => f.trigger?.kind === 'queue');
  /** The function's measured profile, with what its environment changes in it. */
  const profileOf = (fn: FunctionFacts): FunctionProfile & { readonly withoutMetrics: readonly string[] } => {
    const found = fn.service === undefined ? undefined : profile.functions[fn.service];
    if (!found) {
      throw new CostInputError(
        `function ${fn.id} (service ${fn.service ?? 'unnamed'}) has no measured profile; the bench measured ${Object.keys(profile.functions).join(', ')}`,
      );
    }
    let merged: FunctionProfile = found;
    const withoutMetrics: string[] = [];
    for (const [setting, change] of Object.entries(found.whenEnvironment ?? {})) {
      const [name, ...value] = setting.split('=');
      if (String(fn.environment[name as string] ?? '') !== value.join('=')) continue;
      merged = {
        ...merged,
        ...(change.logPerInvocation ? { logPerInvocation: change.logPerInvocation } : {}),
        ...(change.logPerRecord ? { logPerRecord: change.logPerRecord } : {}),
      };
      withoutMetrics.push(...(change.withoutMetrics ?? []));
    }
    return { ...merged, withoutMetrics };
  };
  const cpuShare = (memoryMb: number) => Math.min(1, memoryMb / a('vcpuAtMemoryMb'));
  const gbSecond = (architecture: string) =>
    architecture === 'arm64' ? p('lambdaArm64PerGbSecond') : p('lambdaX86PerGbSecond');

  interface Invocations {
    readonly fn: FunctionFacts;
    readonly profile: ReturnType<typeof profileOf>;
    readonly perMonth: number;
    readonly recordsPerInvocation: number;
    readonly ioMs: number;
  }
  let meanBatch: number | undefined;
  const invocations: Invocations[] = [
    ...apiFunctions.map((fn) => ({
      fn,
      profile: profileOf(fn),
      perMonth: V / apiFunctions.length,
      recordsPerInvocation: 1,
      ioMs: a('ingestIoWaitMs'),
    })),
    ...queueFunctions.map((fn) => {
      const trigger = fn.trigger as Extract<FunctionFacts['trigger'], { kind: 'queue' }>;
      const shape = queueShape(trigger.batchSize, trigger.batchingWindowSeconds);
      meanBatch = shape.meanBatch;
      return {
        fn,
        profile: profileOf(fn),
        perMonth: V * shape.invocationsPerWebhook,
        recordsPerInvocation: shape.meanBatch,
        ioMs: a('routerIoWaitMsPerBatch'),
      };
    }),
  ];
  function queueShape(batchSize: number, batchingWindowSeconds: number) {
    return batchShape({
      ratePerSecond: rate,
      batchSize,
      batchingWindowSeconds,
      pollers: a('sqsEventSourcePollers'),
      receiveRoundTripMs: a('sqsReceiveRoundTripMs'),
      invocationMs: a('routerIoWaitMsPerBatch'),
      longPollSeconds: a('sqsLongPollSeconds'),
      secondsPerMonth: seconds,
    });
  }

  // ---- API Gateway -------------------------------------------------------------------------------
  const apis = ofType('AWS::ApiGatewayV2::Api');
  if (apis.length > 0) {
    const requests = V * perWebhook.apiRequestUnits;
    const usd = tieredCost(prices.prices.apiGatewayHttpApiPerMillionRequests as never, requests, MILLION);
    add({
      kind: LineKind.PerWebhook,
      line: 'API Gateway HTTP API requests',
      quantity: `${count(requests)} requests (${perWebhook.apiRequestUnits.toFixed(2)} per webhook: 512 KB units)`,
      usd,
      floor: 'same',
      floorUsd: usd,
      resources: ids(apis),
    });
  }

  // ---- Lambda ------------------------------------------------------------------------------------
  const billedMs = (inv: Invocations, cpuUs: number) =>
    Math.ceil(cpuUs / 1000 / cpuShare(inv.fn.memoryMb) + inv.ioMs);
  const logBytesByGroup = new Map<
    string,
    { bytes: number; events: number; floorBytes: number; floorEvents: number; fns: string[] }
  >();
  const logInto = (
    group: string,
    bytes: number,
    events: number,
    floorBytes: number,
    floorEvents: number,
    id: string,
  ) => {
    const entry = logBytesByGroup.get(group) ?? {
      bytes: 0,
      events: 0,
      floorBytes: 0,
      floorEvents: 0,
      fns: [],
    };
    entry.bytes += bytes;
    entry.events += events;
    entry.floorBytes += floorBytes;
    entry.floorEvents += floorEvents;
    entry.fns.push(id);
    logBytesByGroup.set(group, entry);
  };
  const concurrencyOf = new Map<string, number>();
  for (const inv of invocations) {
    const { fn, profile: fp } = inv;
    const name = fn.service ?? fn.id;
    const requestsUsd = (inv.perMonth / MILLION) * p('lambdaPerMillionRequests');
    add({
      kind: LineKind.PerWebhook,
      line: `Lambda ${name}: requests`,
      quantity: `${count(inv.perMonth)} invocations${inv.recordsPerInvocation > 1 || fn.trigger?.kind === 'queue' ? ` (${inv.recordsPerInvocation.toFixed(2)} records each)` : ''}`,
      usd: requestsUsd,
      floor: 'same',
      floorUsd: requestsUsd,
      resources: [fn.id],
    });
    const cpuUs = fp.cpuUsPerInvocation + fp.cpuUsPerRecord * inv.recordsPerInvocation;
    const floorCpuUs = fp.floorCpuUsPerInvocation + fp.floorCpuUsPerRecord * inv.recordsPerInvocation;
    const ms = billedMs(inv, cpuUs);
    const floorMs = billedMs(inv, floorCpuUs);
    const durationUsd = (ms: number) =>
      inv.perMonth * (fn.memoryMb / 1024) * (ms / 1000) * gbSecond(fn.architecture);
    concurrencyOf.set(fn.id, (inv.perMonth / seconds) * (ms / 1000));
    add({
      kind: LineKind.PerWebhook,
      line: `Lambda ${name}: duration`,
      quantity: `${ms} ms billed per invocation at ${fn.memoryMb} MB ${fn.architecture} (${cpuUs.toFixed(1)} µs CPU measured + ${inv.ioMs} ms I/O assumed)`,
      usd: durationUsd(ms),
      floor: `${floorMs} ms (${floorCpuUs.toFixed(1)} µs CPU)`,
      floorUsd: durationUsd(floorMs),
      resources: [fn.id],
    });

    const platform = fn.systemLogLevel === 'WARN' || fn.systemLogLevel === 'ERROR' ? 0 : 1;
    const bytesPerInvocation =
      sampled(fp.logPerInvocation.bytes, fn.logSampleRate) +
      inv.recordsPerInvocation * sampled(fp.logPerRecord.bytes, fn.logSampleRate) +
      platform * a('platformLogBytesPerInvocation');
    const eventsPerInvocation =
      sampled(fp.logPerInvocation.events, fn.logSampleRate) +
      inv.recordsPerInvocation * sampled(fp.logPerRecord.events, fn.logSampleRate) +
      platform * 3;
    const bytes = inv.perMonth * (bytesPerInvocation + eventsPerInvocation * a('logEventOverheadBytes'));
    const events = inv.perMonth * eventsPerInvocation;
    add({
      kind: LineKind.PerWebhook,
      line: `CloudWatch Logs: ${name} log lines`,
      quantity: `${gbText(bytes)} (${(bytes / V).toFixed(0)} B per webhook: EMF counts, request lines sampled at ${fn.logSampleRate}${platform ? ', START/END/REPORT' : ''})`,
      usd: (bytes / GB) * p('cloudWatchLogsPerGbIngested'),
      floor: 'none',
      floorUsd: 0,
      resources: [fn.id],
    });
    logInto(fn.logGroupId ?? `/aws/lambda of ${fn.id}`, bytes, events, 0, 0, fn.id);

    if (fn.tracing) {
      const traces = tracesPerMonth(
        inv.perMonth / seconds,
        seconds,
        a('xrayReservoirPerSecond'),
        a('xrayFixedRate'),
      );
      add({
        kind: LineKind.PerWebhook,
        line: `X-Ray traces: ${name}`,
        quantity: `${count(traces)} traces (${((traces / inv.perMonth) * 100).toFixed(1)} % of invocations: 1 a second and 5 % of the rest)`,
        usd: (traces / MILLION) * p('xrayPerMillionTracesRecorded'),
        floor: 'none',
        floorUsd: 0,
        resources: [fn.id],
      });
    }
  }

  // ---- DynamoDB requests ------------------------------------------------------------------------
  const tables = ofType('AWS::DynamoDB::Table');
  if (tables.length > 0) {
    const writesUsd = ((V * perWebhook.writeUnits) / MILLION) * p('dynamodbPerMillionWriteRequestUnits');
    add({
      kind: LineKind.PerWebhook,
      line: 'DynamoDB writes',
      quantity: `${count(V * perWebhook.writeUnits)} write units (${perWebhook.writeUnits.toFixed(3)} per webhook: one conditional PutItem; ${Math.round(perWebhook.oneWriteUnitShare * 100)} % of samples fit 1 KB)`,
      usd: writesUsd,
      floor: '1 write unit a webhook',
      floorUsd: (V / MILLION) * p('dynamodbPerMillionWriteRequestUnits'),
      resources: ids(tables),
    });
    if (queueFunctions.length > 0 && perWebhook.readUnits > 0) {
      add({
        kind: LineKind.PerWebhook,
        line: 'DynamoDB reads',
        quantity: `${count(V * perWebhook.readUnits)} read units (${perWebhook.readUnits.toFixed(2)} per webhook: the router's BatchGetItem, eventually consistent)`,
        usd: ((V * perWebhook.readUnits) / MILLION) * p('dynamodbPerMillionReadRequestUnits'),
        floor: 'none',
        floorUsd: 0,
        resources: ids(tables),
      });
    }
  }

  // ---- SQS ---------------------------------------------------------------------------------------
  const sqsUsd = (requests: number) => (requests / MILLION) * p('sqsStandardPerMillionRequests');
  for (const fn of queueFunctions) {
    const trigger = fn.trigger as Extract<FunctionFacts['trigger'], { kind: 'queue' }>;
    const shape = queueShape(trigger.batchSize, trigger.batchingWindowSeconds);
    const sends = V * perWebhook.sendRequests;
    const receives =
      V * shape.receivesPerWebhook * units(shape.recordsPerReceive * perWebhook.messageBytes, 64 * KB);
    const deletes = V * shape.deletesPerWebhook;
    const resources = [trigger.queueId, trigger.mappingId];
    add({
      kind: LineKind.PerWebhook,
      line: 'SQS SendMessage',
      quantity: `${count(sends)} requests (64 KB units)`,
      usd: sqsUsd(sends),
      floor: 'same',
      floorUsd: sqsUsd(sends),
      resources: [trigger.queueId],
    });
    add({
      kind: LineKind.PerWebhook,
      line: 'SQS receives and deletes (the event source)',
      quantity: `${count(receives)} receives and ${count(deletes)} deletes: batches of ${shape.meanBatch.toFixed(2)} at ${rate.toFixed(2)} webhooks/s (batch size ${trigger.batchSize}, window ${trigger.batchingWindowSeconds} s)`,
      usd: sqsUsd(receives + deletes),
      floor: 'same',
      floorUsd: sqsUsd(receives + deletes),
      resources,
    });
    add({
      kind: LineKind.Monthly,
      line: 'SQS empty receives (idle long polls of the event source)',
      quantity: `${count(shape.emptyReceivesPerMonth)} receives (${a('sqsEventSourcePollers')} pollers, one a ${a('sqsLongPollSeconds')} s while idle)`,
      usd: sqsUsd(shape.emptyReceivesPerMonth),
      floor: 'same: any SQS event source polls',
      floorUsd: sqsUsd(shape.emptyReceivesPerMonth),
      resources,
    });
  }

  // ---- EventBridge -------------------------------------------------------------------------------
  const buses = ofType('AWS::Events::EventBus');
  if (buses.length > 0) {
    const entries = V * perWebhook.eventEntries;
    const usd = (entries / MILLION) * p('eventBridgePerMillionCustomEvents');
    add({
      kind: LineKind.PerWebhook,
      line: 'EventBridge PutEvents',
      quantity: `${count(entries)} events (64 KB units)`,
      usd,
      floor: 'same',
      floorUsd: usd,
      resources: ids(buses),
    });
  }
  for (const archive of ofType('AWS::Events::Archive')) {
    const bytes = V * perWebhook.eventBytes;
    const days = archive.properties.RetentionDays as number | undefined;
    const months = retainedMonths(days, hours, a('foreverRetentionMonths'));
    const processed = (bytes / GB) * p('eventBridgeArchivePerGbProcessed');
    const stored = ((bytes * months) / GB) * p('eventBridgeArchivePerGbMonthStored');
    add({
      kind: LineKind.PerWebhook,
      line: 'EventBridge archive: events processed',
      quantity: `${gbText(bytes)} (${Math.round(perWebhook.eventBytes)} B an event)`,
      usd: processed,
      floor: 'same',
      floorUsd: processed,
      resources: [archive.id],
    });
    add({
      kind: LineKind.Storage,
      line: `EventBridge archive: kept ${days ? `${days} days` : `forever (priced at ${a('foreverRetentionMonths')} months)`}`,
      quantity: `${gbText(bytes * months)} at steady state`,
      usd: stored,
      floor: 'same',
      floorUsd: stored,
      resources: [archive.id],
    });
  }

  // ---- the API's access log ---------------------------------------------------------------------
  for (const log of facts.accessLogs) {
    const overhead = a('logEventOverheadBytes');
    const lineBytes = accessLogLineBytes(log.format) + overhead;
    const floorLineBytes = accessLogLineBytes(FLOOR_ACCESS_LOG_FORMAT) + overhead;
    const requests = V * perWebhook.apiRequestUnits;
    add({
      kind: LineKind.PerWebhook,
      line: 'CloudWatch Logs: API access log',
      quantity: `${gbText(requests * lineBytes)} (${lineBytes} B a request)`,
      usd: ((requests * lineBytes) / GB) * p('cloudWatchLogsPerGbIngested'),
      floor: `${floorLineBytes} B a request: request id and status, the access log the stage must have`,
      floorUsd: ((requests * floorLineBytes) / GB) * p('cloudWatchLogsPerGbIngested'),
      resources: [log.stageId],
    });
    logInto(
      log.logGroupId ?? `access log of ${log.stageId}`,
      requests * lineBytes,
      requests,
      requests * floorLineBytes,
      requests,
      log.stageId,
    );
  }

  // ---- custom metrics ----------------------------------------------------------------------------
  const metricPrice = p('cloudWatchCustomMetricPerMonth');
  const providerShare = (stream: MetricStream) => {
    const provider = stream.dimensions.provider;
    if (provider === 'plaid') return a('plaidShare');
    if (provider === 'argyle') return 1 - a('plaidShare');
    return 1;
  };
  /** Every EMF stream of the functions, with its namespace and the share of hours it has data. */
  const streams = invocations.flatMap((inv) => {
    const namespace = String(inv.fn.environment.POWERTOOLS_METRICS_NAMESPACE ?? 'default_namespace');
    const ofService = (list: readonly MetricStream[]) =>
      list.filter((s) => s.service === inv.fn.service && !inv.profile.withoutMetrics.includes(s.name));
    return [
      ...ofService(profile.metrics.perWebhook).map((stream) => ({
        namespace,
        stream,
        hours: shareOfHoursWithData(rate * 3600 * providerShare(stream)),
        fn: inv.fn.id,
      })),
      // Instances are replaced every few hours even under steady traffic (not documented): counted
      // in every hour.
      ...ofService(profile.metrics.perColdStart).map((stream) => ({
        namespace,
        stream,
        hours: 1,
        fn: inv.fn.id,
      })),
    ];
  });
  if (streams.length > 0) {
    const metricHours = streams.reduce((sum, s) => sum + s.hours, 0);
    add({
      kind: LineKind.Monthly,
      line: 'CloudWatch custom metrics (EMF)',
      quantity: `${streams.length} metrics: ${[...new Set(streams.map((s) => s.stream.name))].join(', ')}; ${(metricHours).toFixed(2)} metric-months of data`,
      usd: metricHours * metricPrice,
      floor: 'none: the floor alarms on an AWS metric',
      floorUsd: 0,
      resources: [...new Set(streams.map((s) => s.fn))],
    });
  }
  const logEventsPerHour = (group: string | undefined) =>
    group === undefined ? 0 : (logBytesByGroup.get(group)?.events ?? 0) / hours;
  const filters = ofType('AWS::Logs::MetricFilter');
  if (filters.length > 0) {
    let metricMonths = 0;
    let withoutDefault = 0;
    for (const filter of filters) {
      const [group] = [...referencedIds(filter.properties.LogGroupName)];
      for (const t of [filter.properties.MetricTransformations ?? []].flat() as Json[]) {
        // Without a default value the metric has data only in hours with a matching line (an
        // exception on the happy path); with one, in every hour its log group receives a line.
        if (t.DefaultValue === undefined) withoutDefault += 1;
        else metricMonths += shareOfHoursWithData(logEventsPerHour(group));
      }
    }
    add({
      kind: LineKind.Monthly,
      line: 'CloudWatch metrics of log metric filters',
      quantity: `${filters.length} filters: ${metricMonths.toFixed(2)} metric-months with a default value; ${withoutDefault} without one, data only in hours with a match ($${(metricPrice / hours).toFixed(5)} a metric-hour)`,
      usd: metricMonths * metricPrice,
      floor: 'none',
      floorUsd: 0,
      resources: ids(filters),
    });
  }
  if (facts.detailedMetricRoutes > 0) {
    const perRoute = shareOfHoursWithData((rate * 3600) / facts.detailedMetricRoutes);
    const metrics = facts.detailedMetricRoutes * 6;
    add({
      kind: LineKind.Monthly,
      line: 'API Gateway detailed route metrics',
      quantity: `${metrics} metrics (6 a route)`,
      usd: metrics * perRoute * metricPrice,
      floor: 'none',
      floorUsd: 0,
      resources: ids(ofType('AWS::ApiGatewayV2::Stage')),
    });
  }

  // ---- alarms and dashboards --------------------------------------------------------------------
  const alarmLines = new Map<string, { usd: number; resources: string[]; metrics: number }>();
  for (const alarm of ofType('AWS::CloudWatch::Alarm')) {
    const kind = classifyAlarm(alarm.properties, streams);
    const usd =
      kind.kind === 'anomaly detection'
        ? p('cloudWatchAnomalyDetectionAlarmPerMonth')
        : kind.kind === 'Metrics Insights'
          ? p('cloudWatchMetricsInsightsAlarmPerMetricAnalyzed') * kind.metrics
          : kind.metrics *
            (kind.highResolution
              ? p('cloudWatchHighResolutionAlarmMetricPerMonth')
              : p('cloudWatchStandardAlarmMetricPerMonth'));
    const label = `${kind.kind}${kind.highResolution ? ', high resolution' : ''}`;
    const entry = alarmLines.get(label) ?? { usd: 0, resources: [], metrics: 0 };
    entry.usd += usd;
    entry.metrics += kind.metrics;
    entry.resources.push(alarm.id);
    alarmLines.set(label, entry);
  }
  const composites = ofType('AWS::CloudWatch::CompositeAlarm');
  if (composites.length > 0) {
    alarmLines.set('composite', {
      usd: composites.length * p('cloudWatchCompositeAlarmPerMonth'),
      resources: ids(composites),
      metrics: composites.length,
    });
  }
  // The floor's one alarm: a webhook could not be delivered (the dead-letter queue is not empty,
  // an AWS metric). It sits on the first alarm line.
  const floorAlarm = p('cloudWatchStandardAlarmMetricPerMonth');
  let alarmFloorPlaced = false;
  for (const [label, entry] of [...alarmLines].sort(([x], [y]) =>
    x === 'standard' ? -1 : y === 'standard' ? 1 : 0,
  )) {
    add({
      kind: LineKind.Monthly,
      line: `CloudWatch alarms: ${label} (${entry.resources.length})`,
      quantity: `${label === 'Metrics Insights' ? `${entry.metrics.toFixed(2)} alarm metrics analysed (at least one an alarm)` : `${entry.metrics} alarm metrics`}`,
      usd: entry.usd,
      floor: alarmFloorPlaced ? 'none' : 'one standard alarm: a webhook could not be delivered',
      floorUsd: alarmFloorPlaced ? 0 : floorAlarm,
      resources: entry.resources,
    });
    alarmFloorPlaced = true;
  }
  if (!alarmFloorPlaced) {
    add({
      kind: LineKind.Monthly,
      line: 'CloudWatch alarms (none in the template)',
      quantity: '0',
      usd: 0,
      floor: 'one standard alarm: a webhook could not be delivered',
      floorUsd: floorAlarm,
      resources: [],
    });
  }
  const dashboards = ofType('AWS::CloudWatch::Dashboard');
  if (dashboards.length > 0) {
    add({
      kind: LineKind.Monthly,
      line: `CloudWatch dashboards (${dashboards.length})`,
      quantity: `${dashboards.length} × $${p('cloudWatchDashboardPerMonth').toFixed(2)} (an account's first three are free: not counted)`,
      usd: dashboards.length * p('cloudWatchDashboardPerMonth'),
      floor: 'none',
      floorUsd: 0,
      resources: ids(dashboards),
    });
  }

  // ---- secrets and keys --------------------------------------------------------------------------
  const createdSecrets = ofType('AWS::SecretsManager::Secret');
  const importedSecrets = [...new Set(facts.functions.flatMap((f) => f.secrets.imported))];
  const floorSecrets = new Set(apiFunctions.flatMap((f) => [...f.secrets.created, ...f.secrets.imported]))
    .size;
  if (createdSecrets.length + importedSecrets.length > 0 || floorSecrets > 0) {
    add({
      kind: LineKind.Monthly,
      line: `Secrets Manager secrets (${createdSecrets.length} created${importedSecrets.length ? `, ${importedSecrets.length} imported: billed where they live, counted because the stack reads them` : ''})`,
      quantity: `${createdSecrets.length + importedSecrets.length} × $${p('secretsManagerPerSecretMonth').toFixed(2)}`,
      usd: (createdSecrets.length + importedSecrets.length) * p('secretsManagerPerSecretMonth'),
      floor: `${floorSecrets}: somewhere to keep the providers' secrets`,
      floorUsd: floorSecrets * p('secretsManagerPerSecretMonth'),
      resources: ids(createdSecrets),
    });
  }
  let secretCalls = 0;
  let decrypts = 0;
  const cmkSecretIds = new Set(
    createdSecrets.filter((s) => s.properties.KmsKeyId !== undefined).map((s) => s.id),
  );
  for (const inv of invocations) {
    const { fn } = inv;
    const read = fn.secrets.created.length + fn.secrets.imported.length;
    if (read === 0) continue;
    // Each instance reads each secret once its cached value is older than the cache's age.
    const instances = Math.max(1, Math.ceil(concurrencyOf.get(fn.id) ?? 0));
    const cacheSeconds = Number(fn.environment.SECRETS_MAX_AGE_SECONDS ?? a('secretsCacheSeconds'));
    const perSecret = (instances * seconds) / cacheSeconds;
    secretCalls += read * perSecret;
    const underKey =
      fn.keys.created.length + fn.keys.imported.length > 0
        ? fn.secrets.imported.length + fn.secrets.created.filter((id) => cmkSecretIds.has(id)).length
        : fn.secrets.created.filter((id) => cmkSecretIds.has(id)).length;
    decrypts += underKey * perSecret;
  }
  if (secretCalls > 0) {
    const usd = (secretCalls / 10_000) * p('secretsManagerPer10kApiCalls');
    add({
      kind: LineKind.Monthly,
      line: 'Secrets Manager GetSecretValue',
      quantity: `${count(secretCalls)} calls (each function instance, each secret, every ${Number(apiFunctions[0]?.environment.SECRETS_MAX_AGE_SECONDS ?? a('secretsCacheSeconds'))} s)`,
      usd,
      floor: 'same',
      floorUsd: usd,
      resources: facts.functions
        .filter((f) => f.secrets.created.length + f.secrets.imported.length > 0)
        .map((f) => f.id),
    });
  }
  const keyIds = ids(ofType('AWS::KMS::Key'));
  const importedKeys = [...new Set(facts.functions.flatMap((f) => f.keys.imported))];
  if (keyIds.length + importedKeys.length > 0) {
    add({
      kind: LineKind.Monthly,
      line: `KMS customer managed keys (${keyIds.length} created${importedKeys.length ? `, ${importedKeys.length} imported: billed where it lives, counted because the secrets need it` : ''})`,
      quantity: `${keyIds.length + importedKeys.length} × $${p('kmsPerKeyMonth').toFixed(2)}`,
      usd: (keyIds.length + importedKeys.length) * p('kmsPerKeyMonth'),
      floor: 'none: AWS managed keys are free',
      floorUsd: 0,
      resources: keyIds,
    });
    add({
      kind: LineKind.Monthly,
      line: 'KMS requests (Secrets Manager decrypts)',
      quantity: `${count(decrypts)} requests`,
      usd: (decrypts / 10_000) * p('kmsPer10kRequests'),
      floor: 'none',
      floorUsd: 0,
      resources: keyIds,
    });
  }

  // ---- storage -----------------------------------------------------------------------------------
  for (const table of tables) {
    const writers = facts.functions.filter((f) =>
      Object.values(f.environment).some((v) => referencedIds(v).has(table.id)),
    );
    const retentions = writers
      .map((f) => Number(f.environment.RETENTION_DAYS))
      .filter((d) => Number.isFinite(d) && d > 0);
    const ttl = table.properties.TimeToLiveSpecification?.Enabled === true && retentions.length > 0;
    const days = ttl ? Math.max(...retentions) + a('ttlDeletionLagDays') : undefined;
    const months = retainedMonths(days, hours, a('foreverRetentionMonths'));
    const bytes = V * months * (perWebhook.itemBytes + a('dynamodbItemOverheadBytes'));
    const storage = (bytes / GB) * p('dynamodbStoragePerGbMonth');
    add({
      kind: LineKind.Storage,
      line: `DynamoDB storage (${ttl ? `records kept ${Math.max(...retentions)} days + ${a('ttlDeletionLagDays')} days until TTL deletes them` : `no TTL: priced at ${a('foreverRetentionMonths')} months`})`,
      quantity: `${gbText(bytes)}: ${count(V * months)} items of ${Math.round(perWebhook.itemBytes + a('dynamodbItemOverheadBytes'))} B`,
      usd: storage,
      floor: 'same: the record is kept for its retention (design.md)',
      floorUsd: storage,
      resources: [table.id],
    });
    if (table.properties.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true) {
      const pitr = (bytes / GB) * p('dynamodbPitrPerGbMonth');
      add({
        kind: LineKind.Storage,
        line: 'DynamoDB point-in-time recovery',
        quantity: gbText(bytes),
        usd: pitr,
        floor: 'same: the table holds the only copy of quarantined and failed records',
        floorUsd: pitr,
        resources: [table.id],
      });
    }
  }
  const logGroups = ofType('AWS::Logs::LogGroup');
  for (const [group, written] of logBytesByGroup) {
    const resource = logGroups.find((g) => g.id === group);
    const days = resource?.properties.RetentionInDays as number | undefined;
    const months = retainedMonths(days, hours, a('foreverRetentionMonths'));
    const storagePrice = p('cloudWatchLogsStoragePerGbMonth');
    add({
      kind: LineKind.Storage,
      line: `CloudWatch Logs storage: ${resource ? group : `${group} (not in the template)`}, ${days ? `${days} days` : `never expires (priced at ${a('foreverRetentionMonths')} months)`}`,
      quantity: `${gbText(written.bytes * months)} at steady state`,
      usd: ((written.bytes * months) / GB) * storagePrice,
      floor: written.floorBytes > 0 ? 'the floor access log' : 'none',
      floorUsd: ((written.floorBytes * months) / GB) * storagePrice,
      resources: resource ? [group] : [],
    });
  }

  // ---- totals ------------------------------------------------------------------------------------
  const rounded = lines.map((l) => ({ ...l, usd: round(l.usd), floorUsd: round(l.floorUsd) }));
  const totalUsd = lines.reduce((sum, l) => sum + l.usd, 0);
  const floorUsd = lines.reduce((sum, l) => sum + l.floorUsd, 0);
  const alternative = (alt: PriceTable['alternatives']['hookdeck']): AlternativeBill => ({
    plan: alt.plan,
    usd: round(
      alt.planUsdPerMonth + (Math.max(0, V - alt.includedPerMonth) / MILLION) * alt.usdPerMillionBeyond,
      2,
    ),
  });
  return {
    webhooksPerMonth: V,
    ratePerSecond: round(rate, 4),
    lines: rounded,
    totalUsd: round(totalUsd, 2),
    floorUsd: round(floorUsd, 2),
    ratioToFloor: round(totalUsd / floorUsd, 3),
    perMillionUsd: round(totalUsd / (V / MILLION), 3),
    floorPerMillionUsd: round(floorUsd / (V / MILLION), 3),
    meanBatch: meanBatch === undefined ? undefined : round(meanBatch, 3),
    alternatives: {
      hookdeck: alternative(prices.alternatives.hookdeck),
      svix: alternative(prices.alternatives.svix),
    },
    pricesRead: prices.read,
    region: prices.region,
  };
};
