import type { FunctionProfile, LogOutput, MetricStream, UsageProfile } from '../../lib/cost/usage-profile.js';

/** What bench/cost.ts measures: sizes, log output and metric streams, without CPU. */
export interface MeasuredSizes {
  readonly samples: number;
  readonly perWebhook: UsageProfile['perWebhook'];
  /** By service: what an invocation writes once, and what each of its records writes. */
  readonly logs: Readonly<Record<string, { perInvocation: LogOutput; perRecord: LogOutput }>>;
  /** The router's log output with `PUBLISHED_COUNTS=false` (no count of plain publishes). */
  readonly routerWithoutPublishedCounts: { perInvocation: LogOutput; perRecord: LogOutput };
  readonly metrics: { readonly perWebhook: MetricStream[]; readonly perColdStart: MetricStream[] };
}

/** CPU per webhook measured in the same run, µs: the handlers and the floors of the same work. */
export interface MeasuredCpu {
  /** Ingest, per webhook (one invocation each). */
  readonly ingestUs: number;
  readonly ingestFloorUs: number;
  /** Router, per record (measured in batches of ten). */
  readonly routerUsPerEvent: number;
  readonly routerFloorUsPerEvent: number;
}

/** The usage profile of the cost model: the sizes of bench/cost.ts and the CPU of the same run. */
export const usageProfile = (sizes: MeasuredSizes, cpu: MeasuredCpu, measured: string): UsageProfile => {
  const logsOf = (service: string) => {
    const found = sizes.logs[service];
    if (!found) throw new Error(`bench/cost.ts measured no log output of ${service}`);
    return { logPerInvocation: found.perInvocation, logPerRecord: found.perRecord };
  };
  const ingest: FunctionProfile = {
    cpuUsPerInvocation: cpu.ingestUs,
    cpuUsPerRecord: 0,
    floorCpuUsPerInvocation: cpu.ingestFloorUs,
    floorCpuUsPerRecord: 0,
    ...logsOf('webhook-ingest'),
  };
  const router: FunctionProfile = {
    cpuUsPerInvocation: 0,
    cpuUsPerRecord: cpu.routerUsPerEvent,
    floorCpuUsPerInvocation: 0,
    floorCpuUsPerRecord: cpu.routerFloorUsPerEvent,
    ...logsOf('webhook-router'),
    whenEnvironment: {
      'PUBLISHED_COUNTS=false': {
        logPerInvocation: sizes.routerWithoutPublishedCounts.perInvocation,
        logPerRecord: sizes.routerWithoutPublishedCounts.perRecord,
        withoutMetrics: ['EventsPublished'],
      },
    },
  };
  return {
    measured,
    samples: sizes.samples,
    perWebhook: sizes.perWebhook,
    functions: { 'webhook-ingest': ingest, 'webhook-router': router },
    metrics: sizes.metrics,
  };
};
