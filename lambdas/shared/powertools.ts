import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

import { METRICS_NAMESPACE, type MetricName } from './metric-names.js';

export { METRICS_NAMESPACE, MetricName } from './metric-names.js';

// Powertools' numeric threshold of INFO (TRACE 6, DEBUG 8, INFO 12, WARN 16, ERROR 20).
const INFO_LEVEL = 12;
// Keys Powertools writes itself; a field named like one of them goes through Powertools.
const STANDARD_LOG_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
  'tenant_id',
  'error',
]);
const TRUTHY = new Set(['1', 'y', 'yes', 't', 'true', 'on']);
const isTruthyEnv = (name: string) => TRUTHY.has((process.env[name] ?? '').trim().toLowerCase());

/** Field values of the per-request line. */
export type LogFields = Readonly<Record<string, string | number | boolean>>;

/** Loggers given keys of their own (appended or persistent keys, correlation ids). */
const customisedLoggers = new WeakSet<object>();

/** The X-Ray trace header of the invocation, from where Powertools reads it. */
const traceHeader = (): string => {
  const runtime = globalThis as {
    awslambda?: { InvokeStore?: { getXRayTraceId?: () => string | undefined } };
  };
  return runtime.awslambda?.InvokeStore?.getXRayTraceId?.() ?? process.env._X_AMZN_TRACE_ID ?? '';
};

/** The `Root` of an X-Ray trace header, parsed as Powertools parses it. */
const xrayTraceId = (header: string): string | undefined => {
  if (header === '') return undefined;
  if (!header.includes('=')) return header;
  for (const field of header.split(';')) {
    const [key, value] = field.split('=');
    if (key === 'Root') return value;
  }
  return undefined;
};

/** `,"key":value` for every value Powertools prints (it drops undefined, null and ''). */
const jsonFields = (fields: Readonly<Record<string, unknown>>): string => {
  let out = '';
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined || value === null || value === '') continue;
    out += `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
  }
  return out;
};

/**
 * Powertools' Logger, plus {@link PipelineLogger.infoLine} for the one INFO line per request: the
 * line Powertools prints (same keys, order and values), without its per-call work (environment
 * reads, attribute merging, a JSON replacer, a Console write). The invocation's standard keys are
 * encoded once, when the Lambda context is added. Whenever the set-up departs from what that
 * covers (dev mode, a non-UTC TZ, concurrent invocations in one process, a tenant id, keys of
 * its own), the line goes through Powertools.
 */
export class PipelineLogger extends Logger {
  /** `,"service":…` and `,"sampling_rate":…`, as Powertools resolved them at construction. */
  private readonly serviceKey: string;
  private readonly samplingKey: string;
  private readonly fastPathAllowed: boolean;
  /** `,"function_arn":…,"function_memory_size":…,"function_name":…` of the last context seen. */
  private functionKeys = { arn: '', memory: '', name: '', json: '' };
  /** The last X-Ray header seen and its `,"xray_trace_id":…`. */
  private traceKey = { header: '', json: '' };
  /** The standard keys of the current invocation, encoded; undefined: the line goes through Powertools. */
  private invocationKeys: string | undefined;
  /** What Powertools' cold-start check answered for the context being added. */
  private coldStartSeen: boolean | undefined;
  /** The context added for the current invocation, until its keys are encoded. */
  private pendingContext: { context: Parameters<Logger['addContext']>[0]; coldStart: boolean } | undefined;
  /** No debug sampling configured, and the level the logger started with. */
  private readonly debugSamplingOff: boolean;
  private readonly initialLevel: number;

  public constructor(serviceName: string) {
    super({ serviceName });
    // The keys Powertools puts in a line before any context: service and sampling rate.
    const base = this.createAndPopulateLogItem(INFO_LEVEL, '', []);
    base.prepareForPrint();
    const { level, message, timestamp, xray_trace_id, service, sampling_rate, ...others } =
      base.getAttributes();
    this.serviceKey = jsonFields({ service });
    this.samplingKey = jsonFields({ sampling_rate });
    this.debugSamplingOff = sampling_rate === undefined || sampling_rate === 0;
    this.initialLevel = this.level;
    const timezone = process.env.TZ ?? '';
    this.fastPathAllowed =
      level === 'INFO' &&
      message === undefined &&
      typeof timestamp === 'string' &&
      xray_trace_id === xrayTraceId(traceHeader()) &&
      Object.keys(others).length === 0 &&
      !isTruthyEnv('POWERTOOLS_DEV') &&
      (timezone === '' || timezone.includes('UTC')) &&
      (process.env.AWS_LAMBDA_MAX_CONCURRENCY ?? '') === '';
  }

  public override getColdStart(): boolean {
    const coldStart = super.getColdStart();
    this.coldStartSeen = coldStart;
    return coldStart;
  }

  public override addContext(context: Parameters<Logger['addContext']>[0]): void {
    this.coldStartSeen = undefined;
    super.addContext(context);
    this.invocationKeys = undefined;
    // Encoded when the invocation writes its first fast line, not per invocation: with request
    // lines sampled (LOG_SAMPLE_RATE), most invocations write none.
    this.pendingContext =
      !this.fastPathAllowed ||
      this.coldStartSeen === undefined ||
      (context as { tenantId?: unknown }).tenantId !== undefined
        ? undefined
        : { context, coldStart: this.coldStartSeen as boolean };
  }

  /**
   * Without a debug sample rate (`POWERTOOLS_LOGGER_SAMPLE_RATE`), Powertools' refresh only sets
   * the level back to the initial one at every invocation: skipped while it is still that one.
   */
  public override refreshSampleRateCalculation(): void {
    if (this.debugSamplingOff && this.level === this.initialLevel) return;
    super.refreshSampleRateCalculation();
  }

  /** The standard keys of the current invocation, encoded on first use. */
  private currentInvocationKeys(): string | undefined {
    if (this.invocationKeys !== undefined || this.pendingContext === undefined) return this.invocationKeys;
    const { context, coldStart } = this.pendingContext;
    this.pendingContext = undefined;
    const { invokedFunctionArn: arn, memoryLimitInMB: memory, functionName: name } = context;
    let functionKeys = this.functionKeys;
    if (functionKeys.arn !== arn || functionKeys.memory !== memory || functionKeys.name !== name) {
      const json = jsonFields({ function_arn: arn, function_memory_size: memory, function_name: name });
      functionKeys = { arn, memory, name, json };
      this.functionKeys = functionKeys;
    }
    const header = traceHeader();
    if (this.traceKey.header !== header)
      this.traceKey = { header, json: jsonFields({ xray_trace_id: xrayTraceId(header) }) };
    this.invocationKeys = `${this.serviceKey}${jsonFields({ cold_start: coldStart })}${functionKeys.json}${jsonFields({ function_request_id: context.awsRequestId })}${this.samplingKey}${this.traceKey.json}`;
    return this.invocationKeys;
  }

  /**
   * Logs at INFO exactly what `info(message, fields)` would. `preceding` (complete lines, such as
   * EMF counts) is written first, in the same write when the line takes the fast path.
   */
  public infoLine(message: string, fields: LogFields, preceding = ''): void {
    const invocationKeys = this.currentInvocationKeys();
    let fast = invocationKeys !== undefined && !customisedLoggers.has(this);
    for (const key in fields) if (STANDARD_LOG_KEYS.has(key)) fast = false;
    if (!fast || this.level > INFO_LEVEL) {
      if (preceding !== '') process.stdout.write(preceding);
      if (!fast) this.info(message, fields);
      return;
    }
    process.stdout.write(
      `${preceding}{"level":"INFO","message":${JSON.stringify(message)},"timestamp":"${new Date().toISOString()}"${invocationKeys}${jsonFields(fields)}}\n`,
    );
  }

  public override appendKeys(attributes: Parameters<Logger['appendKeys']>[0]): void {
    customisedLoggers.add(this);
    super.appendKeys(attributes);
  }

  public override appendPersistentKeys(attributes: Parameters<Logger['appendPersistentKeys']>[0]): void {
    customisedLoggers.add(this);
    super.appendPersistentKeys(attributes);
  }

  public override setPersistentLogAttributes(
    attributes: Parameters<Logger['setPersistentLogAttributes']>[0],
  ): void {
    customisedLoggers.add(this);
    super.setPersistentLogAttributes(attributes);
  }
}

/** One logger per function, created at cold start. */
export const createLogger = (serviceName: string): PipelineLogger => new PipelineLogger(serviceName);

/** The per-request INFO line: {@link PipelineLogger.infoLine}, or Powertools' `info` for another logger. */
export const logInfo = (logger: Logger, message: string, fields: LogFields): void => {
  if (logger instanceof PipelineLogger) logger.infoLine(message, fields);
  else logger.info(message, fields);
};

/**
 * Powertools' Metrics, plus {@link PipelineMetrics.countLine}: one count as the EMF line a Powertools
 * single metric prints (same keys, order and values), without the Metrics instance and Console
 * that `singleMetric()` builds for every count. Changed default dimensions send counts back
 * through Powertools.
 */
export class PipelineMetrics extends Metrics {
  private readonly emfNamespace: string;
  private readonly emfService: string;
  private defaultsChanged = false;

  public constructor(namespace: string, serviceName: string) {
    super({ namespace, serviceName });
    this.emfNamespace = JSON.stringify(namespace);
    this.emfService = JSON.stringify(serviceName);
  }

  public override setDefaultDimensions(dimensions: Parameters<Metrics['setDefaultDimensions']>[0]): this {
    // Powertools' own constructor sets `service`; any later change is the caller's.
    if (this.emfService !== undefined) this.defaultsChanged = true;
    return super.setDefaultDimensions(dimensions);
  }

  public override clearDefaultDimensions(): void {
    this.defaultsChanged = true;
    super.clearDefaultDimensions();
  }

  /**
   * The EMF line of one count ('' while metrics are disabled), or undefined when the count must go
   * through Powertools.
   */
  public countLine(
    name: MetricName,
    dimensions: Readonly<Record<string, string>>,
    value: number,
  ): string | undefined {
    if (this.defaultsChanged) return undefined;
    let names = '"service"';
    let values = `,"service":${this.emfService}`;
    for (const key in dimensions) {
      const dimension = dimensions[key];
      if (key === 'service' || key === '' || typeof dimension !== 'string' || dimension === '')
        return undefined;
      const quoted = JSON.stringify(key);
      names += `,${quoted}`;
      values += `,${quoted}:${JSON.stringify(dimension)}`;
    }
    if (this.isDisabled()) return '';
    const metric = JSON.stringify(name);
    return `{"_aws":{"Timestamp":${Date.now()},"CloudWatchMetrics":[{"Namespace":${this.emfNamespace},"Dimensions":[[${names}]],"Metrics":[{"Name":${metric},"Unit":"Count"}]}]}${values},${metric}:${value}}\n`;
  }
}

/** One metrics emitter per function, created at cold start. */
export const createMetrics = (serviceName: string): PipelineMetrics =>
  new PipelineMetrics(process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE, serviceName);

// For Metrics not built by createMetrics: one single-metric emitter each, made on first use, since
// `singleMetric()` builds a Metrics and a Console on every call.
const singleMetrics = new WeakMap<Metrics, Metrics>();

/**
 * Emits one count with its own dimensions, as one EMF line. Nothing is buffered between calls, so
 * concurrent requests in one process (the local runtime) cannot mix their dimensions.
 */
export const countMetric = (
  metrics: Metrics,
  name: MetricName,
  dimensions: Readonly<Record<string, string>>,
  count = 1,
): void => {
  const line = metrics instanceof PipelineMetrics ? metrics.countLine(name, dimensions, count) : undefined;
  if (line !== undefined) {
    if (line !== '') process.stdout.write(line);
    return;
  }
  let single = singleMetrics.get(metrics);
  if (single === undefined) {
    single = metrics.singleMetric();
    singleMetrics.set(metrics, single);
  }
  for (const key in dimensions) single.addDimension(key, dimensions[key] as string);
  single.addMetric(name, MetricUnit.Count, count);
};

/** One count of {@link countMetrics}. */
export interface MetricCount {
  readonly name: MetricName;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly count: number;
}

/**
 * Emits `counts` in order as {@link countMetric} would, and returns the trailing fast-path lines not
 * written yet, so that the caller writes them together with what follows. Lines before a count that
 * goes through Powertools are written first, keeping the order.
 */
const emitCounts = (metrics: Metrics, counts: readonly MetricCount[]): string => {
  let lines = '';
  for (const { name, dimensions, count } of counts) {
    const line = metrics instanceof PipelineMetrics ? metrics.countLine(name, dimensions, count) : undefined;
    if (line !== undefined) {
      lines += line;
      continue;
    }
    if (lines !== '') process.stdout.write(lines);
    lines = '';
    countMetric(metrics, name, dimensions, count);
  }
  return lines;
};

/**
 * Several counts, each with its own dimensions, as {@link countMetric} emits them one by one, in a
 * single write when they all take the fast path (a write to stdout is a system call).
 */
export const countMetrics = (metrics: Metrics, counts: readonly MetricCount[]): void => {
  const lines = emitCounts(metrics, counts);
  if (lines !== '') process.stdout.write(lines);
};

/**
 * A request's counts (one each, same dimensions) and then its INFO line, as {@link countMetric}
 * and {@link logInfo} would emit them, in a single write when they all take the fast path.
 */
export const countAndLogInfo = (
  metrics: Metrics,
  names: readonly MetricName[],
  dimensions: Readonly<Record<string, string>>,
  logger: Logger,
  message: string,
  fields: LogFields,
): void => {
  const lines = emitCounts(
    metrics,
    names.map((name) => ({ name, dimensions, count: 1 })),
  );
  if (logger instanceof PipelineLogger) {
    logger.infoLine(message, fields, lines);
    return;
  }
  if (lines !== '') process.stdout.write(lines);
  logger.info(message, fields);
};
