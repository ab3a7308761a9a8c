import { type BillInputs, billContext } from './bill-context.js';
import type { BillLine } from './bill-line.js';
import { alarmLines, dashboardLines, metricLines } from './lines-monitoring.js';
import {
  accessLogLines,
  apiLines,
  busLines,
  functionLines,
  queueLines,
  tableRequestLines,
} from './lines-requests.js';
import { secretLines } from './lines-secrets.js';
import { archiveStorageLines, logStorageLines, tableStorageLines } from './lines-storage.js';
import type { Alternative } from './prices.js';

export type { BillInputs } from './bill-context.js';
export { type BillLine, LineKind } from './bill-line.js';

/** A managed gateway's bill at the same volume: its plan fee and the events beyond the plan's. */
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
  /** The router's mean records per invocation at this rate, when a function consumes a queue. */
  readonly meanBatch: number | undefined;
  readonly alternatives: { readonly hookdeck: AlternativeBill; readonly svix: AlternativeBill };
  readonly pricesRead: string;
  readonly region: string;
}

const MILLION = 1_000_000;
const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

/** A gateway's plan at a volume: the fee, and the price per million beyond what the plan includes. */
export const alternativeBill = (alt: Alternative, webhooksPerMonth: number): AlternativeBill => ({
  plan: alt.plan,
  usd: round(
    alt.planUsdPerMonth +
      (Math.max(0, webhooksPerMonth - alt.includedPerMonth) / MILLION) * alt.usdPerMillionBeyond,
    2,
  ),
});

/**
 * The monthly bill of a synthesized template at `webhooksPerMonth`, every line beside the floor
 * (docs/costs.md says what the floor counts and why). Resources are read by type and properties;
 * any the model cannot price fail with an `UnpricedResourceError` listing all of them.
 */
export const monthlyBill = (inputs: BillInputs): MonthlyBill => {
  const ctx = billContext(inputs);
  const lines = [
    ...apiLines(ctx),
    ...functionLines(ctx),
    ...tableRequestLines(ctx),
    ...queueLines(ctx),
    ...busLines(ctx),
    ...accessLogLines(ctx),
    ...metricLines(ctx),
    ...alarmLines(ctx),
    ...dashboardLines(ctx),
    ...secretLines(ctx),
    ...tableStorageLines(ctx),
    ...archiveStorageLines(ctx),
    ...logStorageLines(ctx),
  ];
  const totalUsd = lines.reduce((sum, l) => sum + l.usd, 0);
  const floorUsd = lines.reduce((sum, l) => sum + l.floorUsd, 0);
  const V = inputs.webhooksPerMonth;
  return {
    webhooksPerMonth: V,
    ratePerSecond: round(ctx.rate),
    lines: lines.map((l) => ({ ...l, usd: round(l.usd), floorUsd: round(l.floorUsd) })),
    totalUsd: round(totalUsd, 2),
    floorUsd: round(floorUsd, 2),
    ratioToFloor: round(totalUsd / floorUsd, 3),
    perMillionUsd: round(totalUsd / (V / MILLION), 3),
    floorPerMillionUsd: round(floorUsd / (V / MILLION), 3),
    meanBatch: (() => {
      const batches = ctx.invocations.find((inv) => inv.batches)?.batches;
      return batches ? round(batches.meanBatch, 3) : undefined;
    })(),
    alternatives: {
      hookdeck: alternativeBill(inputs.prices.alternatives.hookdeck, V),
      svix: alternativeBill(inputs.prices.alternatives.svix, V),
    },
    pricesRead: inputs.prices.read,
    region: inputs.prices.region,
  };
};
