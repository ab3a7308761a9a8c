/**
 * Writes docs/costs.md (scripts/lib/costs-doc.ts) from the profile of the last bench run and
 * bench/prices.json.
 *
 *   npm run costs          write it
 *   npm run costs -- --check   exit 1 when the file on disk differs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPriceTable } from '../lib/cost/prices.js';
import { PROJECT_ROOT } from '../lib/cost/synthesize.js';
import { loadUsageProfile } from '../lib/cost/usage-profile.js';
import { costsDoc } from './lib/costs-doc.js';

const FILE = join(PROJECT_ROOT, 'docs', 'costs.md');
const text = costsDoc(loadUsageProfile(), loadPriceTable());
if (process.argv.includes('--check')) {
  const current = readFileSync(FILE, 'utf8');
  if (current !== text) {
    console.error('docs/costs.md is stale: run npm run costs');
    process.exitCode = 1;
  }
} else {
  writeFileSync(FILE, text);
  console.log(`wrote ${FILE}`);
}
