import type { MonthlyBill } from '../../lib/cost/monthly-bill.js';
import { volumeName } from '../../lib/cost/volume.js';
import { markdownTable } from './markdown-table.js';

/** Dollars: cents, four decimals below a cent, none past ten thousand. */
export const dollars = (value: number): string =>
  value >= 10_000
    ? `$${Math.round(value).toLocaleString('en-US')}`
    : value !== 0 && value < 0.01
      ? `$${value.toFixed(4)}`
      : `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * The monthly table: at each volume, the bill, per million, the floor and the ratio, and the
 * gateways' bills (plan fee included) at the same volume.
 */
export const monthlyTable = (bills: readonly MonthlyBill[]): string =>
  markdownTable([
    [
      'webhooks a month',
      'this stack',
      'per million',
      'floor',
      '× floor',
      `Hookdeck (${bills[0]?.alternatives.hookdeck.plan ?? ''})`,
      `Svix (${bills[0]?.alternatives.svix.plan ?? ''})`,
    ],
    ...bills.map((b) => [
      volumeName(b.webhooksPerMonth),
      `**${dollars(b.totalUsd)}**`,
      dollars(b.perMillionUsd),
      dollars(b.floorUsd),
      `${b.ratioToFloor}×`,
      dollars(b.alternatives.hookdeck.usd),
      dollars(b.alternatives.svix.usd),
    ]),
  ]);

/** Every line of one bill beside the floor's. */
export const billLinesTable = (bill: MonthlyBill): string =>
  markdownTable([
    ['line', 'what is counted', 'USD a month', 'floor', 'floor counts'],
    ...bill.lines.map((l) => [l.line, l.quantity, dollars(l.usd), dollars(l.floorUsd), l.floor]),
    [
      '**total**',
      '',
      `**${dollars(bill.totalUsd)}**`,
      `**${dollars(bill.floorUsd)}**`,
      `${bill.ratioToFloor}× the floor`,
    ],
  ]);
