/** A monthly volume as people write it: `250000`, `250,000`, `250k`, `1M`, `2.5M`, `1B`. */
const VOLUME = /^\s*(\d+(?:[.,_]\d+)*)\s*([kKmMbB])?\s*$/;
const SCALE: Readonly<Record<string, number>> = { k: 1e3, m: 1e6, b: 1e9 };

/** Webhooks a month from a volume (`1M`, `250k`, `1,000,000`); undefined when it is not one. */
export const parseVolume = (text: string): number | undefined => {
  const match = VOLUME.exec(text);
  if (!match) return undefined;
  const [, digits = '', suffix] = match;
  // With a suffix a dot or comma is a decimal point (2.5M); without one, a thousands separator.
  const number = suffix ? Number(digits.replace(/[,_]/g, '.')) : Number(digits.replace(/[.,_]/g, ''));
  const value = Math.round(number * (suffix ? (SCALE[suffix.toLowerCase()] as number) : 1));
  return Number.isFinite(value) && value > 0 ? value : undefined;
};

/** A volume's short name: `100k`, `1M`, `10M`, `1B`, `2.5M`, or the number. */
export const volumeName = (webhooks: number): string => {
  for (const [suffix, scale] of [
    ['B', 1e9],
    ['M', 1e6],
    ['k', 1e3],
  ] as const) {
    if (webhooks >= scale && Number.isInteger((webhooks / scale) * 10)) return `${webhooks / scale}${suffix}`;
  }
  return String(webhooks);
};

/** The volumes the bench and the docs price: 100 thousand to 1 billion webhooks a month. */
export const STANDARD_VOLUMES = [100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000] as const;
