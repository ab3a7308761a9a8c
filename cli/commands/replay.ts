import { Command, Option } from '@commander-js/extra-typings';
import { DETAIL_TYPES } from '@webhook-pipeline/events';
import { actionOf, type CliContext } from '../cli-context.js';
import {
  parseReplayStatus,
  parseTypeGlobs,
  REPLAY_STATUSES,
  type ReplayFilter,
} from '../ops/replay-filter.js';
import { defaultReportPath, finishRun } from '../ops/report.js';
import { resolveTarget } from '../ops/target.js';
import { addClosingHelp } from '../options/help-sections.js';
import { intArg, listArg, parseWindow } from '../options/parsers.js';
import {
  addTargetOptions,
  type OptionsOf,
  providerOption,
  rateOption,
  repeatableOption,
  reportOption,
  timeOption,
} from '../options/shared-options.js';
import { nearestDetailTypes } from '../samples.js';
import { replayArchive } from './replay-archive.js';
import { planReplay } from './replay-plan.js';
import { replayFromTable } from './replay-table.js';

const DESCRIPTION = `Publishes stored webhooks again. The table is read with a parallel Scan filtered on the options
below (no index is written per webhook, so a replay reads the whole table once: --dry-run prints
what that costs); each selected webhook is sent to the pipeline's queue as a replay message
({version, webhookId, provider, dedupeKey, receivedAt, replayed: true}, no body), and the router
publishes it again with its original webhookId and detail.metadata.replayed = true.

  webhook-pipeline replay --from <time> [--to <time>] [filters] (--local | --stack <name>) [options]
  webhook-pipeline replay --archive --from <time> [--to <time>] [filters] (--local | --stack <name>)

With --archive the events come from the bus archive instead, for consumers: an EventBridge replay
(StartReplay) of the window, restricted to the same filters. StartReplay selects by time only, so
for each consumer rule (--rule) the command creates a temporary rule with the filters' event
pattern and that rule's targets, replays the archive to it (Destination.FilterArns), waits
(DescribeReplay) and deletes it.

Times: ISO 8601 (2026-11-25T12:00:00Z, or a date), "now", or a duration ago (90m, 6h, 2d).`;

/** The command's options, declared once: commander parses, checks and documents them. */
const defineReplay = () =>
  addClosingHelp(
    addTargetOptions(
      new Command('replay')
        .summary('Publish stored webhooks again (filters, cost estimate, rate, resumable cursor); --archive')
        .description(DESCRIPTION)
        .addOption(timeOption('--from <time>', 'Start of the window, inclusive (required)'))
        .addOption(timeOption('--to <time>', 'End of the window, exclusive (default now)'))
        .addOption(providerOption())
        .addOption(
          new Option(
            '--type <glob>',
            "Detail-types, comma-separated or repeated; * matches any run of characters ('TRANSACTIONS.*', 'ITEM.ERROR', '*.DEFAULT_UPDATE', 'accounts.*')",
          )
            .argParser(listArg)
            .default([] as string[]),
        )
        .option(
          '--status <status>',
          `${REPLAY_STATUSES.join(' | ')} (default published: stored and neither quarantined nor failed; quarantined / failed records are better brought back by requeue)`,
        )
        .option(
          '--item <id>',
          'Only webhooks about this Item: Plaid item_id (or account_id), Argyle data.account, data.item or data.user',
        )
        .option(
          '--dry-run',
          "Count what matches and print what the replay will cost, line by line (Scan reads, SQS, the router's Lambda and reads, PutEvents, archive); send nothing",
        )
        .addOption(rateOption())
        .option(
          '--cursor <file>',
          'Resumable cursor: the position of every Scan segment and what was sent from the page being sent, saved after each batch. Run again with the same file and filters to go on where an interrupted run stopped (Ctrl-C stops cleanly), without repeats or gaps. An interrupted run without --cursor saves one and names it.',
        )
        .addOption(
          new Option('--segments <n>', 'Parallel Scan segments')
            .argParser(intArg('--segments', { max: 64 }))
            .default(4),
        )
        .addOption(reportOption('replay'))
        .option('--archive', 'Replay the bus archive to consumer rules instead of the table')
        .addOption(
          repeatableOption(
            '--rule <name>',
            '--archive: a consumer rule on the bus whose targets get the replayed events (repeatable; required with --stack)',
          ),
        )
        .option(
          '--archive-name <name>',
          "--archive: the bus archive (default: the stack's EventArchiveName output, or the only archive of the bus)",
        )
        .addOption(
          new Option('--wait-timeout <s>', '--archive: how long to wait for the replay to complete')
            .argParser(intArg('--wait-timeout', { max: 7 * 86_400 }))
            .default(3600),
        ),
    ),
    {
      ok: 'when every selected webhook was enqueued (or the archive replay completed)',
      failed: 'when any failed or the run was interrupted (resume with --cursor)',
    },
  );

/** The parsed options of `replay`, shared with `replay --archive`. */
export type ReplayOptions = OptionsOf<typeof defineReplay>;

/** The filters of both forms of replay, checked: the window, provider, type globs, status, Item. */
export const replayFilterOf = (options: ReplayOptions, now: number): ReplayFilter => {
  const window = parseWindow(options.from, options.to, now);
  return {
    providers: options.provider ? [options.provider] : ['plaid', 'argyle'],
    types: parseTypeGlobs(options.type),
    from: window.from,
    to: window.to,
    status: parseReplayStatus(options.status),
    ...(options.item ? { item: options.item } : {}),
  };
};

const describeFilter = (f: ReplayFilter) =>
  `${f.providers.join(' and ')} webhooks received in [${f.from}, ${f.to})${f.types.length ? ` of type ${f.types.join(', ')}` : ''}${f.status === 'published' ? '' : `, status ${f.status}`}${f.item ? `, Item ${f.item}` : ''}`;

/** Notes the exact types the catalogue does not have (they may still match: see below), with a suggestion. */
const noteUnknownTypes = (filter: ReplayFilter, out: (line: string) => void): void => {
  const known = new Set<string>(DETAIL_TYPES.map((d) => d.detailType));
  for (const type of filter.types) {
    if (type.includes('*') || known.has(type)) continue;
    // Codes the catalogue lacks are published under their natural name, so they stay allowed.
    const near = filter.providers.flatMap((p) => nearestDetailTypes(p, type)).slice(0, 3);
    out(
      `  note: ${type} is not a catalogue detail-type; only webhooks stored under it match${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`,
    );
  }
};

/** `replay` from the table (or its dry run); the exit status. */
const replay = async (options: ReplayOptions, { env, out }: CliContext): Promise<number> => {
  const started = new Date();
  const filter = replayFilterOf(options, started.getTime());
  if (options.archive) return replayArchive(options, filter, env, out, started);
  const dryRun = options.dryRun === true;
  const { rate, segments } = options;
  const target = await resolveTarget(options, env);
  try {
    noteUnknownTypes(filter, out);
    const parameters = { ...filter, rate, segments, dryRun, cursor: options.cursor ?? null };
    out(`${dryRun ? 'Counting' : 'Replaying'} ${describeFilter(filter)} on ${target.description.target}`);
    const run = { command: 'replay', started, reportFile: options.report, target: target.description };
    if (dryRun) {
      const plan = await planReplay(target, filter, segments, out);
      return await finishRun(out, {
        ...run,
        parameters: { ...parameters, cost: plan.cost },
        summary: plan.summary,
        breakdown: plan.breakdown,
        items: plan.items,
        title: 'Dry run: nothing was sent',
      });
    }
    const sent = await replayFromTable(
      target,
      filter,
      { rate, segments, cursor: options.cursor, fallbackCursor: defaultReportPath('replay-cursor', started) },
      out,
    );
    const status = await finishRun(out, {
      ...run,
      parameters: {
        ...parameters,
        cursor: sent.cursorFile,
        complete: sent.complete,
        ...(sent.stopReason ? { stopReason: sent.stopReason } : {}),
      },
      summary: sent.summary,
      breakdown: { byDetailType: sent.byDetailType },
      items: sent.items,
      title: sent.complete ? 'replay' : 'replay (interrupted)',
    });
    // An interrupted run failed nothing yet is not done: resume it with its cursor.
    return sent.complete ? status : 1;
  } finally {
    target.close();
  }
};

/** `webhook-pipeline replay`. */
export const replayCommand = (ctx: CliContext) => defineReplay().action(actionOf(ctx, replay));
