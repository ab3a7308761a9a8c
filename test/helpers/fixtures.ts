import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SEEDS = join(import.meta.dirname, '..', 'fixtures', 'seeds');

/** A seed payload, kept as the exact bytes of the file: never re-serialised before signing. */
export interface SeedPayload {
  readonly file: string;
  readonly provider: 'plaid' | 'argyle';
  readonly detailType: string;
  readonly raw: Buffer;
  readonly json: Record<string, unknown>;
}

/** Every seed payload of the providers' documentation (`test/fixtures/seeds`). */
export const seedPayloads = (): SeedPayload[] =>
  readdirSync(SEEDS)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = readFileSync(join(SEEDS, file));
      const json = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      const provider = file.split('__')[0] as 'plaid' | 'argyle';
      const detailType =
        provider === 'plaid' ? `${json.webhook_type}.${json.webhook_code}` : String(json.event);
      return { file, provider, detailType, raw, json };
    });

/** One seed by file name. */
export const seed = (file: string): SeedPayload => {
  const found = seedPayloads().find((s) => s.file === file);
  if (!found) throw new Error(`no seed ${file}`);
  return found;
};
