import type { Json } from '../preflight/resolve-template.js';
import { accessLogLineBytes, FLOOR_ACCESS_LOG_FORMAT } from './access-log-size.js';
import type { StreamWithData } from './alarms.js';
import { CostInputError, UnpricedResourceError } from './errors.js';
import { type AssumptionName, assumptionOf, type PriceName, type PriceTable, priceOf } from './prices.js';
import { unknownTypes } from './resource-types.js';
import {
  type FunctionFacts,
  readTemplateFacts,
  type TemplateFacts,
  type TemplateResource,
} from './template-facts.js';
import { type BatchShape, batchShape, ratePerSecond, shareOfHoursWithData } from './traffic.js';
import type { FunctionProfile, MetricStream, Sampled, UsageProfile } from './usage-profile.js';

/**
 * Everything the lines of a bill are computed from, worked out once: the template's facts, the
 * rate, how often each function runs and what it writes, the queue's batches, the custom metric
 * streams, and what each log group receives. The line builders (`lines-*.ts`) only price it.
 */

/** What {@link monthlyBill} prices. */
export interface BillInputs {
  /** A synthesized CloudFormation template (JSON). */
  readonly template: Json;
  readonly profile: UsageProfile;
  readonly prices: PriceTable;
  readonly webhooksPerMonth: number;
}

/** A function's measured profile, with what its environment changes in it. */
export type EffectiveProfile = FunctionProfile & { readonly withoutMetrics: readonly string[] };

/** How a function runs at the volume. */
export interface Invocations {
  readonly fn: FunctionFacts;
  readonly name: string;
  readonly profile: EffectiveProfile;
  readonly perMonth: number;
  readonly recordsPerInvocation: number;
  /** The I/O wait assumed per invocation. */
  readonly ioMs: number;
  /** CPU per invocation, µs: the handler's and the floor's. */
  readonly cpuUs: number;
  readonly floorCpuUs: number;
  /** Billed duration per invocation, ms. */
  readonly billedMs: number;
  readonly floorBilledMs: number;
  /** Log bytes a month (with each event's metadata), and log events. */
  readonly logBytes: number;
  readonly logEvents: number;
  /** Whether Lambda adds its START, END and REPORT lines (system log level below WARN). */
  readonly platformLines: boolean;
  /** Concurrent executions on average. */
  readonly concurrency: number;
  /** The event source's batches, for a function that consumes a queue. */
  readonly batches: BatchShape | undefined;
}

/** What one log group receives a month. */
export interface LogGroupTraffic {
  readonly resource: TemplateResource | undefined;
  /** The group's name when it is not in the template (Lambda's own `/aws/lambda/…`). */
  readonly label: string;
  bytes: number;
  events: number;
  floorBytes: number;
}

export interface BillContext {
  readonly facts: TemplateFacts;
  readonly profile: UsageProfile;
  readonly prices: PriceTable;
  readonly webhooks: number;
  readonly rate: number;
  readonly hours: number;
  readonly seconds: number;
  readonly p: (name: PriceName) => number;
  readonly a: (name: AssumptionName) => number;
  readonly ofType: (type: string) => TemplateResource[];
  readonly invocations: readonly Invocations[];
  readonly logGroups: ReadonlyMap<string, LogGroupTraffic>;
  /** Every custom metric stream the functions emit, with the share of hours it has data. */
  readonly streams: readonly (StreamWithData & { readonly fn: string })[];
}

/** A measured quantity at a sample rate: the expected value between every line and none. */
export const sampled = (q: Sampled, rate: number): number => q.noLine + rate * (q.allLines - q.noLine);

/** Reads the template, checks that everything in it is priced, and works out the traffic. */
export const billContext = ({ template, profile, prices, webhooksPerMonth }: BillInputs): BillContext => {
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
  const rate = ratePerSecond(webhooksPerMonth, hours);
  const ofType = (type: string) => facts.resources.filter((r) => r.type === type);

  const profileOf = (fn: FunctionFacts): EffectiveProfile => {
    const found = fn.service === undefined ? undefined : profile.functions[fn.service];
    if (!found) {
      throw new CostInputError(
        `function ${fn.id} (service ${fn.service ?? 'unnamed'}) has no measured profile; the bench measured ${Object.keys(profile.functions).join(', ')}`,
      );
    }
    let merged: FunctionProfile = found;
    const withoutMetrics: string[] = [];
    for (const [setting, change] of Object.entries(found.whenEnvironment ?? {})) {
      const [name = '', ...value] = setting.split('=');
      if (String(fn.environment[name] ?? '') !== value.join('=')) continue;
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
  const apiFunctions = facts.functions.filter((f) => f.trigger?.kind === 'api');
  const invocations: Invocations[] = facts.functions.flatMap((fn): Invocations[] => {
    const trigger = fn.trigger;
    if (!trigger) return [];
    const fp = profileOf(fn);
    const batches =
      trigger.kind === 'queue'
        ? batchShape({
            ratePerSecond: rate,
            batchSize: trigger.batchSize,
            batchingWindowSeconds: trigger.batchingWindowSeconds,
            pollers: a('sqsEventSourcePollers'),
            receiveRoundTripMs: a('sqsReceiveRoundTripMs'),
            invocationMs: a('routerIoWaitMsPerBatch'),
            longPollSeconds: a('sqsLongPollSeconds'),
            secondsPerMonth: seconds,
          })
        : undefined;
    // The webhooks split over the API's functions; a queue's consumer sees every webhook.
    const perMonth = batches
      ? webhooksPerMonth * batches.invocationsPerWebhook
      : webhooksPerMonth / apiFunctions.length;
    const records = batches ? batches.meanBatch : 1;
    const ioMs = batches ? a('routerIoWaitMsPerBatch') : a('ingestIoWaitMs');
    const cpuUs = fp.cpuUsPerInvocation + fp.cpuUsPerRecord * records;
    const floorCpuUs = fp.floorCpuUsPerInvocation + fp.floorCpuUsPerRecord * records;
    // Lambda bills each invocation in whole milliseconds, the CPU scaled by the function's vCPU share.
    const billed = (us: number) => Math.ceil(us / 1000 / cpuShare(fn.memoryMb) + ioMs);
    const platformLines = !(fn.systemLogLevel === 'WARN' || fn.systemLogLevel === 'ERROR');
    const bytesPerInvocation =
      sampled(fp.logPerInvocation.bytes, fn.logSampleRate) +
      records * sampled(fp.logPerRecord.bytes, fn.logSampleRate) +
      (platformLines ? a('platformLogBytesPerInvocation') : 0);
    const eventsPerInvocation =
      sampled(fp.logPerInvocation.events, fn.logSampleRate) +
      records * sampled(fp.logPerRecord.events, fn.logSampleRate) +
      (platformLines ? 3 : 0);
    const billedMs = billed(cpuUs);
    return [
      {
        fn,
        name: fn.service ?? fn.id,
        profile: fp,
        perMonth,
        recordsPerInvocation: records,
        ioMs,
        cpuUs,
        floorCpuUs,
        billedMs,
        floorBilledMs: billed(floorCpuUs),
        logBytes: perMonth * (bytesPerInvocation + eventsPerInvocation * a('logEventOverheadBytes')),
        logEvents: perMonth * eventsPerInvocation,
        platformLines,
        concurrency: (perMonth / seconds) * (billedMs / 1000),
        batches,
      },
    ];
  });

  // What each log group receives: the functions' lines and the API's access log.
  const logGroups = new Map<string, LogGroupTraffic>();
  const logInto = (
    id: string | undefined,
    label: string,
    bytes: number,
    events: number,
    floorBytes: number,
  ) => {
    const key = id ?? label;
    const entry = logGroups.get(key) ?? {
      resource: facts.resources.find((r) => r.id === id),
      label,
      bytes: 0,
      events: 0,
      floorBytes: 0,
    };
    entry.bytes += bytes;
    entry.events += events;
    entry.floorBytes += floorBytes;
    logGroups.set(key, entry);
  };
  for (const inv of invocations) {
    logInto(
      inv.fn.logGroupId,
      `Lambda's own /aws/lambda group of ${inv.fn.id}`,
      inv.logBytes,
      inv.logEvents,
      0,
    );
  }
  const requests = webhooksPerMonth * profile.perWebhook.apiRequestUnits;
  for (const log of facts.accessLogs) {
    const overhead = a('logEventOverheadBytes');
    logInto(
      log.logGroupId,
      `access log of ${log.stageId}`,
      requests * (accessLogLineBytes(log.format) + overhead),
      requests,
      requests * (accessLogLineBytes(FLOOR_ACCESS_LOG_FORMAT) + overhead),
    );
  }

  const providerShare = (stream: MetricStream) => {
    const provider = stream.dimensions.provider;
    if (provider === 'plaid') return a('plaidShare');
    if (provider === 'argyle') return 1 - a('plaidShare');
    return 1;
  };
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
      // Instances are replaced every few hours even under steady traffic (not documented):
      // counted in every hour.
      ...ofService(profile.metrics.perColdStart).map((stream) => ({
        namespace,
        stream,
        hours: 1,
        fn: inv.fn.id,
      })),
    ];
  });

  return {
    facts,
    profile,
    prices,
    webhooks: webhooksPerMonth,
    rate,
    hours,
    seconds,
    p,
    a,
    ofType,
    invocations,
    logGroups,
    streams,
  };
};
