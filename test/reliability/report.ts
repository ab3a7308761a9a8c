import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** One fault scenario's counts (the shape of `reports/reliability.json` → `faults[]`). */
export interface FaultResult {
  readonly name: string;
  /** Distinct webhooks sent (retries not counted). */
  readonly sent: number;
  /** Distinct webhooks that got a 2xx at least once. */
  readonly accepted: number;
  /** Distinct webhooks with at least one event on the bus. */
  readonly events: number;
  /** Webhooks answered 2xx (or stored) with no event. Must be 0. */
  readonly lost: number;
  /** Events beyond the first per webhookId (at-least-once delivery). */
  readonly duplicateEvents: number;
  /** What else the scenario measured (answers, timings, limits), in a few words. */
  readonly note?: string;
}

/** The model-based no-loss test's figures (the shape of `reports/reliability.json` → `model`). */
export interface ModelResult {
  /** Generated runs, each a sequence of actions under fault rates and a scheduler's interleaving. */
  readonly runs: number;
  readonly actions: number;
  /** Provider deliveries (retries included) through the ingest core. */
  readonly deliveries: number;
  /** Queue messages routed (ingest's, duplicates, redrives and requeues). */
  readonly messages: number;
  readonly events: number;
  /** Events beyond the first per webhookId (at-least-once publishing). */
  readonly duplicateEvents: number;
}

/** The whole report. */
export interface ReliabilityReport {
  readonly faults: FaultResult[];
  readonly model?: ModelResult;
  readonly fuzzCases: number;
  readonly forgeryTried: number;
  readonly forgeryRefused: number;
}

const ROOT = resolve(import.meta.dirname, '..', '..');
const PARTS = join(ROOT, 'reports', '.reliability-parts');
/**
 * Where a run writes its report: ignored by git, so that `npm test` leaves the tree as it found it.
 * `npm run test:reliability` (the full suites, green) copies it to the committed
 * reports/reliability.json, whose figures the docs quote.
 */
export const REPORT_FILE = join(ROOT, 'reports', 'reliability-run.json');

type Part =
  | { kind: 'fault'; fault: FaultResult }
  | { kind: 'fuzz'; cases: number }
  | { kind: 'model'; model: ModelResult }
  | { kind: 'forgery'; tried: number; refused: number };

const save = (name: string, part: Part) => {
  mkdirSync(PARTS, { recursive: true });
  writeFileSync(join(PARTS, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.json`), JSON.stringify(part));
};

/** Records a fault scenario's counts for the run's report. */
export const recordFault = (fault: FaultResult): void =>
  save(`fault-${fault.name}`, { kind: 'fault', fault });
/** Records the model-based test's figures. */
export const recordModel = (model: ModelResult): void => save('model', { kind: 'model', model });
/** Records how many fuzz cases a suite ran. */
export const recordFuzz = (suite: string, cases: number): void =>
  save(`fuzz-${suite}`, { kind: 'fuzz', cases });
/** Records forgeries tried and refused by a suite. */
export const recordForgery = (suite: string, tried: number, refused: number): void =>
  save(`forgery-${suite}`, { kind: 'forgery', tried, refused });

/** Removes the parts of an earlier run (called before the tests). */
export const resetParts = (): void => rmSync(PARTS, { recursive: true, force: true });

/** Merges the parts into the report, writes it, and returns it with a printable table. */
export const writeReport = (): { report: ReliabilityReport; table: string } | undefined => {
  let files: string[];
  try {
    files = readdirSync(PARTS).filter((f) => f.endsWith('.json'));
  } catch {
    return undefined;
  }
  if (files.length === 0) return undefined;
  const parts = files.sort().map((f) => JSON.parse(readFileSync(join(PARTS, f), 'utf8')) as Part);
  const model = parts.find((p): p is Extract<Part, { kind: 'model' }> => p.kind === 'model')?.model;
  const report: ReliabilityReport = {
    faults: parts.flatMap((p) => (p.kind === 'fault' ? [p.fault] : [])),
    ...(model ? { model } : {}),
    fuzzCases: parts.reduce((n, p) => n + (p.kind === 'fuzz' ? p.cases : 0), 0),
    forgeryTried: parts.reduce((n, p) => n + (p.kind === 'forgery' ? p.tried : 0), 0),
    forgeryRefused: parts.reduce((n, p) => n + (p.kind === 'forgery' ? p.refused : 0), 0),
  };
  writeFileSync(REPORT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  const rows = report.faults.map(
    (f) =>
      `| ${f.name.padEnd(44)} | ${String(f.sent).padStart(5)} | ${String(f.accepted).padStart(5)} | ${String(f.events).padStart(6)} | ${String(f.lost).padStart(4)} | ${String(f.duplicateEvents).padStart(10)} | ${f.note ?? ''}`,
  );
  const table = [
    '',
    'Reliability',
    `| ${'fault'.padEnd(44)} |  sent |   2xx | events | lost | duplicates | note`,
    `|${'-'.repeat(46)}|-------|-------|--------|------|------------|`,
    ...rows,
    '',
    ...(model
      ? [
          `model runs: ${model.runs} (${model.actions} actions, ${model.deliveries} deliveries, ${model.messages} messages, ${model.events} events, ${model.duplicateEvents} duplicates), 0 lost`,
        ]
      : []),
    `fuzz cases run: ${report.fuzzCases}`,
    `forgeries refused: ${report.forgeryRefused} of ${report.forgeryTried} tried`,
    `written to ${REPORT_FILE}`,
  ].join('\n');
  return { report, table };
};
