import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { CostInputError } from './errors.js';

/** A price band: `usd` per unit for the quantity up to `upTo` (the last band has none). */
const TierSchema = z.object({ upTo: z.number().positive().optional(), usd: z.number().nonnegative() });

/** One list price with where it was read. */
export const PriceSchema = z.object({
  usd: z.number().nonnegative(),
  tiers: z.array(TierSchema).min(1).optional(),
  detail: z.string().optional(),
  source: z.string().min(1),
});
export type Price = z.infer<typeof PriceSchema>;

/** A managed webhook gateway's plan: a monthly fee with some events included, then a price per million. */
export const AlternativeSchema = z.object({
  plan: z.string(),
  planUsdPerMonth: z.number().nonnegative(),
  includedPerMonth: z.number().int().nonnegative(),
  usdPerMillionBeyond: z.number().nonnegative(),
  detail: z.string().optional(),
  source: z.string().min(1),
});
export type Alternative = z.infer<typeof AlternativeSchema>;

/** The prices the model reads, by name; `bench/prices.json` must have each one. */
export const PRICE_NAMES = [
  'apiGatewayHttpApiPerMillionRequests',
  'lambdaPerMillionRequests',
  'lambdaArm64PerGbSecond',
  'lambdaX86PerGbSecond',
  'dynamodbPerMillionWriteRequestUnits',
  'dynamodbPerMillionReadRequestUnits',
  'dynamodbStoragePerGbMonth',
  'dynamodbPitrPerGbMonth',
  'sqsStandardPerMillionRequests',
  'eventBridgePerMillionCustomEvents',
  'eventBridgeArchivePerGbProcessed',
  'eventBridgeArchivePerGbMonthStored',
  'cloudWatchLogsPerGbIngested',
  'cloudWatchLogsStoragePerGbMonth',
  'cloudWatchCustomMetricPerMonth',
  'cloudWatchStandardAlarmMetricPerMonth',
  'cloudWatchHighResolutionAlarmMetricPerMonth',
  'cloudWatchAnomalyDetectionAlarmPerMonth',
  'cloudWatchCompositeAlarmPerMonth',
  'cloudWatchMetricsInsightsAlarmPerMetricAnalyzed',
  'cloudWatchDashboardPerMonth',
  'xrayPerMillionTracesRecorded',
  'secretsManagerPerSecretMonth',
  'secretsManagerPer10kApiCalls',
  'kmsPerKeyMonth',
  'kmsPer10kRequests',
  'snsPerMillionPublishes',
] as const;
export type PriceName = (typeof PRICE_NAMES)[number];

/** The assumptions the model reads (what the bench cannot measure), by name. */
export const ASSUMPTION_NAMES = [
  'hoursPerMonth',
  'vcpuAtMemoryMb',
  'ingestIoWaitMs',
  'routerIoWaitMsPerBatch',
  'platformLogBytesPerInvocation',
  'logEventOverheadBytes',
  'plaidShare',
  'sqsEventSourcePollers',
  'sqsLongPollSeconds',
  'sqsReceiveRoundTripMs',
  'xrayReservoirPerSecond',
  'xrayFixedRate',
  'dynamodbItemOverheadBytes',
  'ttlDeletionLagDays',
  'foreverRetentionMonths',
  'secretsCacheSeconds',
] as const;
export type AssumptionName = (typeof ASSUMPTION_NAMES)[number];

/** `bench/prices.json`: list prices with their sources, the gateways' plans, the assumptions. */
export const PriceTableSchema = z.object({
  read: z.string(),
  region: z.string(),
  basis: z.string().optional(),
  prices: z.record(z.string(), PriceSchema),
  alternatives: z.object({ hookdeck: AlternativeSchema, svix: AlternativeSchema }),
  assumptions: z.record(z.string(), z.number().nonnegative()),
  assumptionNotes: z.record(z.string(), z.string()).optional(),
});
export type PriceTable = z.infer<typeof PriceTableSchema>;

/** Where the price list is: `bench/prices.json` of this package. */
export const PRICES_FILE = fileURLToPath(new URL('../../bench/prices.json', import.meta.url));

/**
 * Reads and checks a price list: every price and assumption the model reads must be there, each
 * price with its source. A missing or wrong field is named in the error.
 */
export const parsePriceTable = (json: unknown, where = 'the price table'): PriceTable => {
  const parsed = PriceTableSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CostInputError(`${where}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  const missing = [
    ...PRICE_NAMES.filter((name) => parsed.data.prices[name] === undefined).map((n) => `prices.${n}`),
    ...ASSUMPTION_NAMES.filter((name) => parsed.data.assumptions[name] === undefined).map(
      (n) => `assumptions.${n}`,
    ),
  ];
  if (missing.length > 0) throw new CostInputError(`${where} has no ${missing.join(', ')}`);
  return parsed.data;
};

/** Reads `bench/prices.json` (or another file). */
export const loadPriceTable = (file = PRICES_FILE): PriceTable => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CostInputError(`no price list at ${file}`);
  }
  try {
    return parsePriceTable(JSON.parse(text), file);
  } catch (error) {
    if (error instanceof SyntaxError) throw new CostInputError(`${file} is not JSON: ${error.message}`);
    throw error;
  }
};

/** The first-band price of `name`. */
export const priceOf = (table: PriceTable, name: PriceName): number => (table.prices[name] as Price).usd;

/** An assumption's value. */
export const assumptionOf = (table: PriceTable, name: AssumptionName): number =>
  table.assumptions[name] as number;

/**
 * What `quantity` units cost at a tiered price whose `usd` is per `unit` units (a million
 * requests): each band's units at that band's price. A price without tiers is one band.
 */
export const tieredCost = (price: Price, quantity: number, unit: number): number => {
  let cost = 0;
  let from = 0;
  for (const tier of price.tiers ?? [{ usd: price.usd }]) {
    const to = tier.upTo ?? Number.POSITIVE_INFINITY;
    const inBand = Math.max(0, Math.min(quantity, to) - from);
    cost += (inBand / unit) * tier.usd;
    from = to;
    if (quantity <= to) break;
  }
  return cost;
};
