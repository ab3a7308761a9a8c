import { randomBytes } from 'node:crypto';
import { UsageError } from '../cli-error.js';
import { type BusArchive, createBusArchiveClient, type ReplayRule } from '../ops/bus-archive.js';
import { sleep } from '../ops/concurrency.js';
import { createProgress } from '../ops/progress.js';
import { eventPatternOf, type ReplayFilter } from '../ops/replay-filter.js';
import { finishRun } from '../ops/report.js';
import { resolveTarget } from '../ops/target.js';

/** The flags `replay --archive` reads (parsed by `replay`). */
export interface ArchiveFlags {
  readonly local: boolean;
  readonly stack?: string | undefined;
  readonly region?: string | undefined;
  readonly localDir?: string | undefined;
  readonly rule: readonly string[];
  readonly archiveName?: string | undefined;
  /** Seconds to wait for the replay to complete before cancelling it. */
  readonly waitTimeout: number;
  readonly dryRun?: boolean | undefined;
  readonly cursor?: string | undefined;
  readonly report?: string | undefined;
}

const TERMINAL = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);
/** EventBridge may archive an event up to about ten minutes after the bus received it. */
const ARCHIVE_DELAY_MS = 10 * 60_000;

/** A replay name: `[.\-_A-Za-z0-9]{1,64}`, unique enough for one account and region. */
const replayName = (at: Date) =>
  `wp-replay-${at.toISOString().replace(/\D/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;

/**
 * `webhook-pipeline replay --archive`: an EventBridge replay of the bus archive, for consumers.
 * StartReplay selects by time only (EventStartTime / EventEndTime) and delivers to the rules named
 * in Destination.FilterArns, so the other filters go into a temporary rule per consumer rule: the
 * filters' event pattern plus this replay's `replay-name` (live events never match it), with the
 * consumer rule's targets copied onto it. The command waits with DescribeReplay, then deletes them.
 */
export const replayArchive = async (
  values: ArchiveFlags,
  filter: ReplayFilter,
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  started: Date,
): Promise<number> => {
  if (filter.status !== 'published')
    throw new UsageError('--status applies to the table; the archive holds published events only');
  if (values.cursor)
    throw new UsageError('--cursor applies to the table replay; an archive replay is one call');
  const { waitTimeout } = values;
  const consumerRules = values.rule;
  if (values.stack && consumerRules.length === 0)
    throw new UsageError(
      'name the consumer rules to replay to with --rule <name> (repeat for several): their targets get the events',
    );
  const target = await resolveTarget(values, env);
  const bus = createBusArchiveClient(target);
  const name = replayName(started);
  const pattern = { ...eventPatternOf(filter), 'replay-name': [name] };
  const rules: ReplayRule[] = [];
  const problems: string[] = [];
  let state = 'PLANNED';
  let reason: string | undefined;
  let archive: BusArchive | undefined;
  try {
    const busName = target.eventBusName;
    if (!busName) throw new Error(`stack ${values.stack} has no EventBusName output`);
    archive = await bus.resolve(busName, values.archiveName);
    out(
      `Replaying archive ${archive.archiveName} of bus ${busName}, events of [${filter.from}, ${filter.to})`,
    );
    out(`  event pattern: ${JSON.stringify(pattern)}`);
    if (Date.parse(filter.to) > Date.now() - ARCHIVE_DELAY_MS && target.kind === 'stack')
      out('  note: events of the last 10 minutes may not be in the archive yet');
    if (values.dryRun) {
      out(
        `  would create ${Math.max(consumerRules.length, 1)} temporary rule(s) ${consumerRules.length ? `with the targets of ${consumerRules.join(', ')}` : '(the local bus delivers to its events log)'}, StartReplay ${name}, wait, and delete them`,
      );
    } else {
      const sources = consumerRules.length ? consumerRules : [undefined];
      for (const [i, consumer] of sources.entries())
        rules.push(await bus.createRule(busName, `${name}-${i}`, pattern, consumer));
      await bus.start({ name, archive, from: filter.from, to: filter.to, rules });
      const progress = createProgress({ label: 'archive replay', total: 100 });
      const deadline = Date.now() + waitTimeout * 1000;
      const span = Date.parse(filter.to) - Date.parse(filter.from);
      let shown = 0;
      for (;;) {
        const described = await bus.describe(name);
        state = described.State ?? 'UNKNOWN';
        reason = described.StateReason;
        const last = described.EventLastReplayedTime?.getTime();
        const percent =
          state === 'COMPLETED'
            ? 100
            : last
              ? Math.floor(((last - Date.parse(filter.from)) / span) * 100)
              : 0;
        if (percent > shown) {
          progress.tick('ok', percent - shown);
          shown = percent;
        }
        if (TERMINAL.has(state)) break;
        if (Date.now() >= deadline) {
          await bus.cancel(name).catch(() => undefined);
          reason = `not complete after ${waitTimeout} s; cancelled`;
          break;
        }
        await sleep(target.kind === 'local' ? 100 : 5000);
      }
      progress.done();
    }
  } finally {
    for (const rule of rules) {
      const problem = await bus.deleteRule(target.eventBusName ?? '', rule);
      if (problem) problems.push(problem);
    }
    bus.close();
  }
  try {
    for (const problem of problems) out(`  ${problem}`);
    const completed = state === 'COMPLETED';
    const summary: Record<string, number> = {
      rules: rules.length,
      completed: completed ? 1 : 0,
      failed: values.dryRun ? 0 : completed && problems.length === 0 ? 0 : 1,
    };
    if (reason) out(`  replay ${name}: ${state} (${reason})`);
    return await finishRun(out, {
      command: 'replay --archive',
      started,
      reportFile: values.report,
      target: { ...target.description, ...(archive ? { archive: archive.archiveArn } : {}) },
      parameters: {
        ...filter,
        replayName: name,
        pattern,
        consumerRules,
        dryRun: values.dryRun ?? false,
      },
      summary,
      items: rules.map((r) => ({
        rule: r.name,
        arn: r.arn,
        targetsOf: r.from ?? null,
        targets: r.targetIds,
      })),
      title: values.dryRun ? 'Dry run: nothing was replayed' : `replay ${name}: ${state}`,
    });
  } finally {
    target.close();
  }
};
