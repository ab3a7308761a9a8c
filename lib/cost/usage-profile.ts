import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { CostInputError } from './errors.js';

/** A quantity measured twice: with every request INFO line written and with none (`LOG_SAMPLE_RATE` 1 and 0). */
const SampledSchema = z.object({ allLines: z.number().nonnegative(), noLine: z.number().nonnegative() });
export type Sampled = z.infer<typeof SampledSchema>;

/** Log bytes and log events (lines), each at both sample rates. */
const LogOutputSchema = z.object({ bytes: SampledSchema, events: SampledSchema });
export type LogOutput = z.infer<typeof LogOutputSchema>;

/**
 * One function, measured by the bench: CPU per invocation and per record (a webhook for ingest,
 * an SQS record for the router), for the handler and for the floor of the same work, and what it
 * writes to its log per invocation and per record.
 */
export const FunctionProfileSchema = z.object({
  cpuUsPerInvocation: z.number().nonnegative(),
  cpuUsPerRecord: z.number().nonnegative(),
  floorCpuUsPerInvocation: z.number().nonnegative(),
  floorCpuUsPerRecord: z.number().nonnegative(),
  logPerInvocation: LogOutputSchema,
  logPerRecord: LogOutputSchema,
  /**
   * What changes when the function's environment has `NAME=value` (the key): its log output, and
   * metrics it then does not emit (by name).
   */
  whenEnvironment: z
    .record(
      z.string().regex(/^[A-Z_][A-Z0-9_]*=.*$/),
      z.object({
        logPerInvocation: LogOutputSchema.optional(),
        logPerRecord: LogOutputSchema.optional(),
        withoutMetrics: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});
export type FunctionProfile = z.infer<typeof FunctionProfileSchema>;

/** A custom metric stream a function emits (EMF): its name and dimension values. */
export const MetricStreamSchema = z.object({
  service: z.string(),
  name: z.string(),
  dimensions: z.record(z.string(), z.string()),
});
export type MetricStream = z.infer<typeof MetricStreamSchema>;

/**
 * What one webhook costs in units, measured by `bench/cost.ts` on every catalogue sample through the
 * real handlers (means over the samples), and the functions' CPU from the same bench run. The cost
 * model multiplies these by the template's settings and the list prices.
 */
export const UsageProfileSchema = z.object({
  /** When and on what it was measured. */
  measured: z.string(),
  samples: z.number().int().positive(),
  perWebhook: z.object({
    /** API Gateway requests (512 KB units). */
    apiRequestUnits: z.number().positive(),
    /** DynamoDB write units of the one conditional put (1 KB units of the item). */
    writeUnits: z.number().positive(),
    /** Share of samples whose item fits one write unit. */
    oneWriteUnitShare: z.number().min(0).max(1),
    /** Read units of the router's BatchGetItem (eventually consistent, 4 KB units). */
    readUnits: z.number().nonnegative(),
    /** The stored item's size by DynamoDB's rules, bytes (without the per-item overhead). */
    itemBytes: z.number().positive(),
    /** The SQS message, bytes, and the SendMessage requests (64 KB units). */
    messageBytes: z.number().positive(),
    sendRequests: z.number().positive(),
    /** The PutEvents entry, bytes, and the events billed (64 KB units). */
    eventBytes: z.number().positive(),
    eventEntries: z.number().positive(),
  }),
  /** By `POWERTOOLS_SERVICE_NAME`. */
  functions: z.record(z.string(), FunctionProfileSchema),
  metrics: z.object({
    /** Streams emitted for the webhooks of the happy path (a provider's stream: that provider's). */
    perWebhook: z.array(MetricStreamSchema),
    /** Streams emitted once per cold start. */
    perColdStart: z.array(MetricStreamSchema),
  }),
});
export type UsageProfile = z.infer<typeof UsageProfileSchema>;

/** The last full bench run, which carries the profile under `cost.profile`. */
export const LATEST_RESULTS_FILE = fileURLToPath(new URL('../../bench/results/latest.json', import.meta.url));

/** Checks a usage profile; the error names the field. */
export const parseUsageProfile = (json: unknown, where = 'the usage profile'): UsageProfile => {
  const parsed = UsageProfileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CostInputError(`${where}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
};

/** Reads the profile of the last bench run (`cost.profile` of `bench/results/latest.json`). */
export const loadUsageProfile = (file = LATEST_RESULTS_FILE): UsageProfile => {
  let results: { cost?: { profile?: unknown } };
  try {
    results = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CostInputError(`cannot read the bench results ${file}: ${(error as Error).message}`);
  }
  if (results.cost?.profile === undefined) {
    throw new CostInputError(`${file} has no cost.profile: run npm run bench to measure one`);
  }
  return parseUsageProfile(results.cost.profile, `${file} cost.profile`);
};
