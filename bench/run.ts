/**
 * `npm run bench`: every measurement in its own `node` process, each against a baseline measured
 * in the same run; prints the table and writes bench/results/latest.json.
 *
 * Options: --quick (fewer rounds and a short hold, for trying things out; not for the results file).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatWithBiome } from '../scripts/lib/format-with-biome.js';
import { ROOT, runChild, WORK_DIR } from './lib/child.js';
import { costPerMillion, loadPrices, type MeasuredSizes } from './lib/cost-model.js';
import { markdownTable } from './lib/markdown-table.js';
import { median, round } from './lib/stats.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
});
if (values.help) {
  console.log(`npm run bench [-- --quick]

Measures every figure against a baseline in the same run (about 4 minutes), prints the table and
writes bench/results/latest.json and latest.md.
  --quick  fewer rounds and a short hold, for trying things out; not for the results file`);
  process.exit(0);
}
const quick = values.quick === true;
const ROUNDS = quick ? 1 : 3;
const started = performance.now();
const loadAtStart = loadavg()[0] ?? 0;
mkdirSync(WORK_DIR, { recursive: true });

const TARGETS = {
  plaidRatio: 2,
  argyleRatio: 5,
  routerRatio: 5,
  ingestColdStartRatio: 1.25,
  costPerMillionUsd: 4,
  heapGrowthKb: 256,
  e2eP99Ms: 100,
} as const;

const progress = (text: string) =>
  process.stderr.write(`[${round((performance.now() - started) / 1000, 0)} s] ${text}\n`);

// ---- output check -------------------------------------------------------------------------------
progress('output check: fast log and metric lines against Powertools');
const fidelity = await runChild<{
  identical: boolean;
  lines: number;
  scenarios: number;
  mismatches: string[];
}>('fidelity.ts');
if (!fidelity.identical) progress(`output differs from Powertools:\n${fidelity.mismatches.join('\n')}`);

// ---- 1. ingest CPU ------------------------------------------------------------------------------
interface CpuResult {
  readonly medianUs: number;
  readonly p99Us: number;
  readonly cpuUsPerWebhook: number;
  readonly bodyBytesMedian: number;
}
const ingest: Record<'plaid' | 'argyle', { handler: CpuResult; baseline: CpuResult }[]> = {
  plaid: [],
  argyle: [],
};
for (let r = 0; r < ROUNDS; r += 1) {
  for (const provider of ['argyle', 'plaid'] as const) {
    // Alternate which goes first, so that neither always runs on the warmer machine.
    const order = r % 2 === 0 ? (['baseline', 'handler'] as const) : (['handler', 'baseline'] as const);
    const out: Partial<Record<'handler' | 'baseline', CpuResult>> = {};
    for (const mode of order) {
      progress(`ingest CPU, ${provider} ${mode}, round ${r + 1} of ${ROUNDS}`);
      out[mode] = await runChild<CpuResult>('ingest-cpu.ts', [provider, mode], {
        nodeFlags: ['--expose-gc'],
      });
    }
    ingest[provider].push(out as { handler: CpuResult; baseline: CpuResult });
  }
}
const ingestSummary = (provider: 'plaid' | 'argyle', target: number) => {
  const rounds = ingest[provider];
  const ratio = median(rounds.map((x) => x.handler.medianUs / x.baseline.medianUs));
  return {
    medianUs: round(median(rounds.map((x) => x.handler.medianUs)), 1),
    p99Us: round(median(rounds.map((x) => x.handler.p99Us)), 1),
    baselineUs: round(median(rounds.map((x) => x.baseline.medianUs)), 1),
    baselineP99Us: round(median(rounds.map((x) => x.baseline.p99Us)), 1),
    ratio: round(ratio, 2),
    target,
    met: ratio <= target,
    cpuUsPerWebhook: round(median(rounds.map((x) => x.handler.cpuUsPerWebhook)), 1),
    webhooksPerRound: 10_000,
    rounds: rounds.map((x) => ({
      medianUs: round(x.handler.medianUs, 1),
      baselineUs: round(x.baseline.medianUs, 1),
      ratio: round(x.handler.medianUs / x.baseline.medianUs, 2),
    })),
    bodyBytesMedian: rounds[0]?.handler.bodyBytesMedian,
  };
};
const ingestResults = {
  plaid: ingestSummary('plaid', TARGETS.plaidRatio),
  argyle: ingestSummary('argyle', TARGETS.argyleRatio),
};

// ---- 2. router CPU ------------------------------------------------------------------------------
interface RouterResult {
  readonly medianUsPerEvent: number;
  readonly p99UsPerEvent: number;
}
const router: { handler: RouterResult; baseline: RouterResult }[] = [];
for (let r = 0; r < ROUNDS; r += 1) {
  progress(`router CPU, round ${r + 1} of ${ROUNDS}`);
  const baseline = await runChild<RouterResult>('router-cpu.ts', ['baseline'], {
    nodeFlags: ['--expose-gc'],
  });
  const handler = await runChild<RouterResult>('router-cpu.ts', ['handler'], { nodeFlags: ['--expose-gc'] });
  router.push({ handler, baseline });
}
const routerResults = {
  medianUsPerEvent: round(median(router.map((x) => x.handler.medianUsPerEvent)), 1),
  p99UsPerEvent: round(median(router.map((x) => x.handler.p99UsPerEvent)), 1),
  baselineUsPerEvent: round(median(router.map((x) => x.baseline.medianUsPerEvent)), 1),
  ratio: round(median(router.map((x) => x.handler.medianUsPerEvent / x.baseline.medianUsPerEvent)), 2),
  target: TARGETS.routerRatio,
  met:
    median(router.map((x) => x.handler.medianUsPerEvent / x.baseline.medianUsPerEvent)) <=
    TARGETS.routerRatio,
  batchSize: 10,
  eventsPerRound: 20_000,
};

// ---- 3. cold start ------------------------------------------------------------------------------
progress('cold start: bundling as the stack does, then fresh processes');
interface ColdFigures {
  readonly bundleKb: number;
  readonly sourceMapKb: number;
  readonly medianMs: number;
  readonly importMedianMs: number;
  readonly processMedianMs: number;
  readonly runs: number;
}
interface ColdVsBaseline extends ColdFigures {
  readonly baselineMs: number;
  readonly ratio: number;
  readonly baselineKb: number;
  readonly sizeRatio: number;
}
const cold = await runChild<{
  ingest: ColdVsBaseline;
  router: ColdVsBaseline;
  baseline: ColdFigures;
  nodeProcessMedianMs: number;
  banner: string;
  nodeOptions: string;
}>('cold-start.ts', [quick ? '8' : '24'], { timeoutMs: 240_000 });
const coldStart = {
  ingest: {
    ...cold.ingest,
    target: TARGETS.ingestColdStartRatio,
    met: cold.ingest.ratio <= TARGETS.ingestColdStartRatio,
  },
  router: cold.router,
  baseline: cold.baseline,
  nodeProcessMedianMs: cold.nodeProcessMedianMs,
  bannerFrom: cold.banner,
  nodeOptions: cold.nodeOptions,
};

// ---- 4. memory ----------------------------------------------------------------------------------
progress('memory: 10,000 webhooks through the ingest handler');
const mem = await runChild<{
  heapGrowthKb: number;
  heapGrowthWithoutCodeKb: number;
  heapUsedKb: number;
  rssMb: number;
  rssGrowthMb: number;
  warmup: number;
}>('memory.ts', [], { nodeFlags: ['--expose-gc'] });
const memory = {
  heapGrowthKb: mem.heapGrowthKb,
  heapGrowthWithoutCodeKb: mem.heapGrowthWithoutCodeKb,
  heapUsedMb: round(mem.heapUsedKb / 1024, 1),
  rssMb: mem.rssMb,
  rssGrowthMb: mem.rssGrowthMb,
  warmupWebhooks: mem.warmup,
  target: `no growth: at most ${TARGETS.heapGrowthKb} KB between the 2nd and the 10th thousand`,
  met: mem.heapGrowthKb <= TARGETS.heapGrowthKb,
};

// ---- 6. sizes for the cost (before e2e, which is the longest) ------------------------------------
progress('cost: sizes measured on every catalogue sample; stack settings from the synthesized stack');
const sizes = await runChild<MeasuredSizes>('cost.ts', [], { timeoutMs: 180_000 });
const cost = costPerMillion(
  sizes,
  {
    ingestUs: (ingestResults.plaid.medianUs + ingestResults.argyle.medianUs) / 2,
    routerUsPerEvent: routerResults.medianUsPerEvent,
    ingestFloorUs: (ingestResults.plaid.baselineUs + ingestResults.argyle.baselineUs) / 2,
    routerFloorUsPerEvent: routerResults.baselineUsPerEvent,
  },
  loadPrices(),
);
const costMet = cost.costPerMillionUsd <= TARGETS.costPerMillionUsd;

// ---- 5. end to end ------------------------------------------------------------------------------
progress('end to end: the local pipeline at fixed rates (ramp, then hold)');
const e2e = await runChild<Record<string, unknown>>(
  'e2e.ts',
  quick ? ['--hold-seconds', '10', '--budget-seconds', '60'] : [],
  { timeoutMs: 280_000 },
);

// ---- results ------------------------------------------------------------------------------------
const git = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const results = {
  ingest: ingestResults,
  router: routerResults,
  coldStart,
  memory,
  e2e: {
    rate: e2e.rate,
    acceptedPerSec: e2e.acceptedPerSec,
    p50Ms: e2e.p50Ms,
    p99Ms: e2e.p99Ms,
    lost: e2e.lost,
    ...e2e,
  },
  costPerMillionUsd: cost.costPerMillionUsd,
  cost: { ...cost, target: TARGETS.costPerMillionUsd, met: costMet },
  outputCheck: fidelity,
  run: {
    date: new Date().toISOString(),
    quick,
    commit: git,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverageAtStart: round(loadAtStart, 2),
    loadAverageAtEnd: round(loadavg()[0] ?? 0, 2),
    seconds: round((performance.now() - started) / 1000, 0),
  },
};

const resultsDir = join(ROOT, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, quick ? 'quick.json' : 'latest.json');
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);

// ---- the table ----------------------------------------------------------------------------------
const status = (met: boolean | undefined) => (met === undefined ? '' : met ? 'met' : 'MISSED');
const rows: string[][] = [
  ['figure', 'measured', 'baseline (same run)', 'ratio', 'target', 'status'],
  [
    'Ingest CPU, Plaid (µs/webhook, median / p99)',
    `${ingestResults.plaid.medianUs} / ${ingestResults.plaid.p99Us}`,
    `${ingestResults.plaid.baselineUs} / ${ingestResults.plaid.baselineP99Us}`,
    `${ingestResults.plaid.ratio}×`,
    `≤ ${TARGETS.plaidRatio}×`,
    status(ingestResults.plaid.met),
  ],
  [
    'Ingest CPU, Argyle (µs/webhook, median / p99)',
    `${ingestResults.argyle.medianUs} / ${ingestResults.argyle.p99Us}`,
    `${ingestResults.argyle.baselineUs} / ${ingestResults.argyle.baselineP99Us}`,
    `${ingestResults.argyle.ratio}×`,
    `≤ ${TARGETS.argyleRatio}×`,
    status(ingestResults.argyle.met),
  ],
  [
    'Router CPU (µs/event, batches of 10, median / p99)',
    `${routerResults.medianUsPerEvent} / ${routerResults.p99UsPerEvent}`,
    `${routerResults.baselineUsPerEvent}`,
    `${routerResults.ratio}×`,
    `≤ ${TARGETS.routerRatio}×`,
    status(routerResults.met),
  ],
  [
    'Cold start, ingest (ms to handler built / bundle KB)',
    `${coldStart.ingest.medianMs} / ${coldStart.ingest.bundleKb}`,
    `${coldStart.baseline.medianMs} / ${coldStart.baseline.bundleKb}`,
    `${coldStart.ingest.ratio}×`,
    `≤ ${TARGETS.ingestColdStartRatio}×`,
    status(coldStart.ingest.met),
  ],
  [
    'Cold start, router (ms to handler built / bundle KB)',
    `${coldStart.router.medianMs} / ${coldStart.router.bundleKb}`,
    `${coldStart.baseline.medianMs} / ${coldStart.baseline.bundleKb}`,
    `${coldStart.router.ratio}×`,
    '',
    '',
  ],
  [
    'Memory after 10,000 webhooks (heap growth KB / RSS MB)',
    `${memory.heapGrowthKb} / ${memory.rssMb}`,
    '',
    '',
    `≤ ${TARGETS.heapGrowthKb} KB`,
    status(memory.met),
  ],
  [
    'End to end, local pipeline (rate/s / accepted/s / p50 / p99 ms / lost)',
    `${e2e.rate} / ${e2e.acceptedPerSec} / ${e2e.p50Ms} / ${e2e.p99Ms} / ${e2e.lost}`,
    '',
    '',
    `p99 < ${TARGETS.e2eP99Ms} ms, lost 0`,
    status(e2e.heldWithP99Under100Ms === true && e2e.lost === 0),
  ],
  ['Last 2xx → its event on the bus (ms)', `${e2e.lastEventAfterLast2xxMs}`, '', '', '', ''],
  [
    'Cost per million webhooks (USD, list; floor of the same shape)',
    `${cost.costPerMillionUsd}`,
    `floor ${cost.floorPerMillionUsd}`,
    `${cost.ratioToFloor}×`,
    `≤ ${TARGETS.costPerMillionUsd}`,
    status(costMet),
  ],
  [
    'DynamoDB write units per webhook / log bytes per webhook',
    `${cost.writeUnitsPerWebhook} / ${cost.logBytesPerWebhook}`,
    '1 / 0',
    '',
    '',
    '',
  ],
  [
    'Against the gateways (USD per million, list)',
    `${cost.costPerMillionUsd}`,
    `Hookdeck ${cost.alternatives.hookdeckPerMillionEvents} / Svix ${cost.alternatives.svixPerMillionMessages}`,
    `${cost.vsHookdeck}× / ${cost.vsSvix}×`,
    '',
    '',
  ],
];
const table = markdownTable(rows);
const costTable = markdownTable([
  ['cost line', 'per webhook', 'USD per million', 'floor: per webhook', 'floor USD per million'],
  ...cost.lines.map((l) => [l.line, l.perWebhook, `${l.usd}`, l.floor, `${l.floorUsd}`]),
  [
    '**total**',
    '',
    `**${cost.costPerMillionUsd}**`,
    `${cost.ratioToFloor}× the floor`,
    `**${cost.floorPerMillionUsd}**`,
  ],
]);
const runLine = `Run ${results.run.date.slice(0, 16).replace('T', ' ')} UTC, commit ${results.run.commit}: ${results.run.seconds} s on ${results.run.cores} × ${results.run.cpu}, Node ${results.run.node}, load average ${results.run.loadAverageAtStart} → ${results.run.loadAverageAtEnd}.`;
const outputLine = fidelity.identical
  ? `Output check: the per-request log and EMF lines equal Powertools' own, key by key (${fidelity.lines} lines, ${fidelity.scenarios} scenarios).`
  : 'Output check: the per-request lines DIFFER from Powertools (see outputCheck in the JSON).';
process.stdout.write(`\n${table}\n\n${costTable}\n\n${outputLine}\n${runLine}\n`);
process.stdout.write(`Written to ${file.slice(ROOT.length + 1)}\n`);
if (!quick) {
  writeFileSync(join(resultsDir, 'latest.md'), `${table}\n\n${costTable}\n\n${outputLine}\n${runLine}\n`);
}
// The results are committed: laid out by the project's formatter, so that `npm run lint` passes
// after a run (JSON arrays that fit a line are kept on one).
formatWithBiome(ROOT, [file, ...(quick ? [] : [join(resultsDir, 'latest.md')])]);
