import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startDevProcess } from '../test/helpers/dev-process.js';
import { formatLoad, runLoad } from '../test/reliability/load.js';

// `npm run test:load [-- --rate 100 --seconds 60 --duplicates 0.1]`: starts the local pipeline,
// holds a fixed rate, proves nothing was lost, and writes reports/load.json. Exit 1 if anything was lost.
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '60' },
    duplicates: { type: 'string', default: '0.1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(
    'Usage: npm run test:load -- [--rate <per second, 100>] [--seconds <60>] [--duplicates <share, 0.1>]',
  );
  process.exit(0);
}
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const duplicateShare = Number(values.duplicates);
if (
  !(rate > 0 && rate <= 2000 && seconds > 0 && seconds <= 600 && duplicateShare >= 0 && duplicateShare < 1)
) {
  console.error('rate must be 1..2000, seconds 1..600, duplicates 0..<1');
  process.exit(2);
}
console.log(`starting the local pipeline; then ${rate}/s for ${seconds} s…`);
const dev = await startDevProcess();
try {
  const result = await runLoad(dev, { rate, seconds, duplicateShare, settleMs: 60_000 });
  console.log(formatLoad(result));
  const dir = resolve(import.meta.dirname, '..', 'reports');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'load.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.exitCode = result.lost === 0 && result.non2xx === 0 ? 0 : 1;
} finally {
  await dev.stop();
}
