import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPriceTable } from '../../lib/cost/prices.js';
import { loadUsageProfile } from '../../lib/cost/usage-profile.js';
import { costsDoc } from '../../scripts/lib/costs-doc.js';

describe('docs/costs.md', () => {
  it('is what npm run costs writes from the last bench profile and bench/prices.json', () => {
    const onDisk = readFileSync(new URL('../../docs/costs.md', import.meta.url), 'utf8');
    expect(onDisk, 'docs/costs.md is stale: run npm run costs').toBe(
      costsDoc(loadUsageProfile(), loadPriceTable()),
    );
  });

  it('shows each setting that costs money with its price at 1M webhooks a month', () => {
    const onDisk = readFileSync(new URL('../../docs/costs.md', import.meta.url), 'utf8');
    for (const setting of [
      'tracing',
      'dashboard',
      'secretsKmsKeyArn',
      'logRetentionDays',
      'archiveRetentionDays',
      'retentionDays',
      'dedupeWindowSeconds',
    ]) {
      expect(onDisk).toMatch(new RegExp(`\\| \`${setting}\`\\s+\\|[^\\n]*\\| [+−]?\\$\\d`));
    }
  });
});

describe("the README's cost section", () => {
  it('leads with the same monthly table as docs/costs.md', () => {
    const tableOf = (text: string) =>
      /\| webhooks a month \| this stack[\s\S]*?\n(?=\n)/.exec(text)?.[0].replace(/ +/g, ' ');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const costs = readFileSync(new URL('../../docs/costs.md', import.meta.url), 'utf8');
    expect(tableOf(readme)).toBeDefined();
    expect(tableOf(readme), 'copy the table of docs/costs.md into README.md').toBe(tableOf(costs));
  });
});
