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

const GB = 1024 ** 3;

/** A count with thousands separators. */
export const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Bytes as GB, three significant digits. */
export const gbText = (bytes: number): string =>
  `${(bytes / GB).toLocaleString('en-US', { maximumSignificantDigits: 3 })} GB`;
