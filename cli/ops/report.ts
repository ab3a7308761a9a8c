import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/**
 * The JSON report every operations command writes (docs/operations.md, "Report format").
 * `items` has one entry per unit of work; secrets and access tokens appear only masked.
 */
export interface OpsReport<Item> {
  readonly reportVersion: 1;
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** Where the command ran: `local`, `stack <name>`, a provider base URL… */
  readonly target: Record<string, string>;
  /** The options it ran with (secrets masked). */
  readonly parameters: Record<string, unknown>;
  /** Counters; `failed` > 0 means exit status 1. */
  readonly summary: Record<string, number>;
  /** Counters by a dimension, e.g. `byDetailType`. */
  readonly breakdown?: Record<string, Record<string, number>>;
  readonly ok: boolean;
  readonly items: readonly Item[];
}

/** `reports/<command>-<UTC timestamp>.json`, with a timestamp that is safe in a file name. */
export const defaultReportPath = (command: string, at: Date): string =>
  join('reports', `${command}-${at.toISOString().replace(/[:.]/g, '-')}.json`);

/** Writes the report (creating its folder); returns the absolute path. */
export const writeReport = async <Item>(path: string, report: OpsReport<Item>): Promise<string> => {
  const file = resolve(path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
};

/** Builds a report from the run's times and results. */
export const buildReport = <Item>(fields: {
  command: string;
  started: Date;
  finished: Date;
  target: Record<string, string>;
  parameters: Record<string, unknown>;
  summary: Record<string, number>;
  breakdown?: Record<string, Record<string, number>>;
  items: readonly Item[];
}): OpsReport<Item> => ({
  reportVersion: 1,
  command: fields.command,
  startedAt: fields.started.toISOString(),
  finishedAt: fields.finished.toISOString(),
  durationMs: fields.finished.getTime() - fields.started.getTime(),
  target: fields.target,
  parameters: fields.parameters,
  summary: fields.summary,
  ...(fields.breakdown ? { breakdown: fields.breakdown } : {}),
  ok: (fields.summary.failed ?? 0) === 0,
  items: fields.items,
});

/** Prints the summary block: a title, aligned counters, then the report path. */
export const printSummary = (
  out: (line: string) => void,
  title: string,
  summary: Record<string, number>,
  reportFile: string,
): void => {
  out(title);
  const width = Math.max(...Object.keys(summary).map((k) => k.length));
  for (const [key, value] of Object.entries(summary)) out(`  ${key.padEnd(width)}  ${value}`);
  out(`Report: ${reportFile}`);
};

/** Masks a secret for display: its first and last four characters at most, never the whole. */
export const maskSecret = (secret: string): string =>
  secret.length >= 16 ? `${secret.slice(0, 4)}…${secret.slice(-4)}` : `…(${secret.length} chars)`;

/** Masks a Plaid access token, keeping its `access-<env>-` prefix and last four characters. */
export const maskAccessToken = (token: string): string => {
  const prefix = /^access-[a-z]+-/.exec(token)?.[0] ?? '';
  return token.length - prefix.length > 8 ? `${prefix}…${token.slice(-4)}` : `${prefix}…`;
};

/** What a run of an operations command reports, and the title of its printed summary. */
export interface RunReport<Item> {
  /** `register plaid`, `replay --archive`…; the default file is named after it. */
  readonly command: string;
  readonly started: Date;
  /** `--report`, when given. */
  readonly reportFile: string | undefined;
  readonly target: Record<string, string>;
  readonly parameters: Record<string, unknown>;
  readonly summary: Record<string, number>;
  readonly breakdown?: Record<string, Record<string, number>>;
  readonly items: readonly Item[];
  readonly title: string;
}

/**
 * Ends a run the same way for every command: writes the JSON report (`--report`, else
 * `reports/<command>-<timestamp>.json`), prints the summary, and returns the exit status (1 when
 * anything failed).
 */
export const finishRun = async <Item>(out: (line: string) => void, run: RunReport<Item>): Promise<number> => {
  const file = await writeReport(
    run.reportFile ?? defaultReportPath(run.command.replace(/[\s-]+/g, '-'), run.started),
    buildReport({ ...run, finished: new Date() }),
  );
  printSummary(out, run.title, run.summary, file);
  return run.summary.failed ? 1 : 0;
};
