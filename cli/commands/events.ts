import { readFile } from 'node:fs/promises';
import { Command, Option } from '@commander-js/extra-typings';
import { InvalidEventPatternError } from '../../lambdas/shared/errors.js';
import {
  type EventPattern,
  matchesEventPattern,
  parseEventPattern,
} from '../../local/event-pattern/event-pattern.js';
import { isJsonObject, parseJsonExact } from '../../local/event-pattern/event-pattern-values.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import { localDirOption, portOption, repeatableOption } from '../options/shared-options.js';
import { requireSubcommand } from '../options/subcommands.js';
import { findDetailType, SAMPLE_TIME, sampleEvent } from '../sample-event.js';
import { tailEvents } from './events-tail.js';

/** A `--pattern` or `--event` value: JSON text, or `@path` for a file's content. */
const jsonArgument = async (name: string, value: string | undefined): Promise<string> => {
  if (value === undefined) throw new UsageError(`missing --${name} <json|@file>`);
  if (!value.startsWith('@')) return value;
  try {
    return await readFile(value.slice(1), 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${value.slice(1)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
};

/** Parses a pattern argument; an invalid pattern is a usage error (exit 2) carrying PutRule's reason. */
const patternArgument = async (value: string | undefined): Promise<EventPattern> => {
  try {
    return parseEventPattern(await jsonArgument('pattern', value));
  } catch (error) {
    if (error instanceof InvalidEventPatternError) throw new UsageError(error.message);
    throw error;
  }
};

/** `--pattern`: an EventBridge event pattern, JSON text or @file. */
const patternOption = (description: string) => new Option('--pattern <json|@file>', description);

/** `events tail`. */
const tailCommand = (ctx: CliContext) =>
  new Command('tail')
    .summary('Print the events the local bus received; -f to follow')
    .description(
      'Prints the events the local bus received (the events log), oldest first; --pattern: only those it matches.',
    )
    .addOption(
      repeatableOption(
        '--type <detail-type>',
        'Only this detail-type (repeatable), e.g. TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
      ),
    )
    .option('--source <source>', 'Only this source: webhooks.plaid or webhooks.argyle')
    .addOption(
      patternOption('Only events this EventBridge event pattern matches (JSON text, or @ and a file)'),
    )
    .option('-f, --follow', 'Keep printing new events until interrupted')
    .option('--json', 'Print each event as its JSON line')
    .option(
      '--file <path>',
      "The events log (default $EVENTS_LOG, the running dev process's log, or <local dir>/events.ndjson)",
    )
    .addOption(portOption('Port of the local pipeline whose log to read (default $PORT or its dev.json)'))
    .addOption(localDirOption())
    .action(async (options) => {
      const pattern = options.pattern === undefined ? undefined : await patternArgument(options.pattern);
      await tailEvents(ctx.env, { ...options, pattern }, ctx.out);
    });

/** `events test-pattern`: true or false on one line. */
const testPatternCommand = (ctx: CliContext) =>
  new Command('test-pattern')
    .summary('Does an EventBridge event pattern match an event? (true / false)')
    .description(
      `Says whether an EventBridge event pattern matches an event, with the same matcher as the local
rules (every content-filtering operator), like 'aws events test-event-pattern': prints true or
false and exits 0 either way; an invalid pattern exits 2 with the reason PutRule gives.`,
    )
    .addOption(patternOption('The EventBridge event pattern (JSON text, or @ and a file)'))
    .option('--event <json|@file>', 'The event, as a rule target receives it')
    .action(async (options) => {
      const pattern = await patternArgument(options.pattern);
      const text = await jsonArgument('event', options.event);
      let event: unknown;
      try {
        event = parseJsonExact(text);
      } catch (error) {
        throw new UsageError(`--event is not valid JSON: ${(error as Error).message}`);
      }
      if (!isJsonObject(event)) throw new UsageError('--event must be a JSON object');
      ctx.out(String(matchesEventPattern(pattern, event)));
    });

/** `events sample`: a ready event of a detail-type, for a consumer's unit tests. */
const sampleCommand = (ctx: CliContext) =>
  new Command('sample')
    .summary('Print the event a rule target receives for a catalogue sample (for unit tests)')
    .description(
      `Prints the event a rule target receives for a detail-type of the catalogue: EventBridge's
envelope, the pipeline's metadata, and the catalogue sample as detail.data, with --set applied to
it as fire applies it. The same arguments print the same event (ids and dedupeKey are digests of
the body), so the output can be kept as a test fixture; parseWebhookEvent accepts it.

  webhook-pipeline events sample ITEM.ERROR --set item_id=item-1 > test/events/item-error.json
  webhook-pipeline events sample accounts.connected --set data.account=acc_123`,
    )
    .argument('<detail-type>', 'A detail-type of the catalogue, e.g. TRANSACTIONS.SYNC_UPDATES_AVAILABLE')
    .addOption(
      repeatableOption(
        '--set <path=value>',
        'Set a field of the provider payload (repeatable); the value is JSON when it parses, else a string',
      ),
    )
    .option('--time <iso>', `When the pipeline received the webhook (default ${SAMPLE_TIME})`)
    .option('--compact', 'One line, as in the events log')
    .action((name, options) => {
      const event = sampleEvent(findDetailType(name), {
        set: options.set,
        ...(options.time ? { time: options.time } : {}),
      });
      ctx.out(options.compact ? JSON.stringify(event) : JSON.stringify(event, null, 2));
    });

/** `webhook-pipeline events tail|test-pattern|sample`. */
export const eventsCommand = (ctx: CliContext) =>
  requireSubcommand(
    new Command('events')
      .summary(
        "Print the local bus's events (tail), test an event pattern (test-pattern), or print a sample event (sample)",
      )
      .description('The events the local bus received, EventBridge event patterns, and sample events.')
      .usage('tail|test-pattern|sample [options]')
      .addCommand(tailCommand(ctx))
      .addCommand(testPatternCommand(ctx))
      .addCommand(sampleCommand(ctx)),
    'events command',
  );
