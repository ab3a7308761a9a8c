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
