import { type Command, Option, type OptionValues } from '@commander-js/extra-typings';
import { contextArg, intArg, providerArg, rateArg, repeatArg, timeArg, urlArg } from './parsers.js';

// The options several commands share, declared once each: the flag, its help line, its default and
// its check. A single option is a factory to pass to `.addOption()`; a set of options that go
// together is a function that adds them to a command and returns it with their types.

/** Heading of the target options in `--help`. */
const TARGET_GROUP = 'Target (where the command acts):';

/** `--local-dir`: the local state folder (dev keys, the dev process's record, the events log). */
export const localDirOption = () =>
  new Option(
    '--local-dir <dir>',
    'Folder of the local state: dev keys, dev.json, events log (default $LOCAL_DIR or .local)',
  );

/** `--port`: the local pipeline's port. */
export const portOption = (description: string) =>
  new Option('--port <n>', description).argParser(intArg('--port', { min: 0, max: 65_535 }));

/** `--report`: where the JSON report goes; `name` makes the default file name. */
export const reportOption = (name: string) =>
  new Option('--report <file>', `JSON report (default reports/${name}-<timestamp>.json)`);

/** `--concurrency`: calls in flight at once. */
export const concurrencyOption = () =>
  new Option('--concurrency <n>', 'Calls in flight at once')
    .argParser(intArg('--concurrency', { max: 50 }))
    .default(4);

/** `--rate`: messages a second at most (`50`, `50/s` or `3000/m`). */
export const rateOption = () =>
  new Option('--rate <rate>', 'Messages a second at most: 50, 50/s or 3000/m')
    .argParser(rateArg('--rate'))
    .default(50);

/** A time flag (`--from`, `--to`, `--since`): ISO 8601, a date, `now` or a duration ago (90m, 6h, 2d). */
export const timeOption = <F extends `--${string} <time>`>(flags: F, description: string) =>
  new Option(flags, description).argParser(timeArg(flags.split(' ')[0] ?? flags));

/** `--url`: a webhook URL, checked to be absolute http(s). */
export const urlOption = (description: string) =>
  new Option('--url <url>', description).argParser(urlArg('--url'));

/** `--provider`: plaid or argyle (default both). */
export const providerOption = () =>
  new Option('--provider <name>', 'plaid or argyle (default both)').argParser(providerArg);

/** A repeatable flag (`--type a --type b`), collected in order. */
export const repeatableOption = <F extends string>(flags: F, description: string) =>
  new Option(flags, description).argParser(repeatArg).default([] as string[]);

/** `--stack` and `--region`: a deployed stack, found by its CloudFormation outputs. */
export const addStackOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) =>
  cmd
    .addOption(
      new Option(
        '--stack <name>',
        'A deployed stack (WebhookPipeline-<stage>): its CloudFormation outputs name the table, queues and URLs',
      ).helpGroup(TARGET_GROUP),
    )
    .addOption(
      new Option(
        '--region <region>',
        'AWS region of the stack (default: AWS_REGION or the AWS profile)',
      ).helpGroup(TARGET_GROUP),
    );

/** `--local`, `--stack`, `--region`, `--local-dir`: the pipeline a command acts on. */
export const addTargetOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) =>
  addStackOptions(
    cmd.addOption(
      new Option(
        '--local',
        'The local pipeline (npm run dev), on $PORT, else the running dev process, else 3000',
      )
        .default(false)
        .helpGroup(TARGET_GROUP),
    ),
  ).addOption(localDirOption().helpGroup(TARGET_GROUP));

/** `--max-attempts`, `--retry-delay`: backoff on rate limits and provider-side errors. */
export const addRetryOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) =>
  cmd
    .addOption(
      new Option('--max-attempts <n>', 'Attempts per call on rate limits and 5xx')
        .argParser(intArg('--max-attempts', { max: 20 }))
        .default(6),
    )
    .addOption(
      new Option('--retry-delay <ms>', 'First backoff delay, doubled each retry')
        .argParser(intArg('--retry-delay', { min: 0, max: 600_000 }))
        .default(1000),
    );

/** The parsed options of the command a definition function builds, as commander types them. */
export type OptionsOf<F extends (...args: never[]) => { opts(): unknown }> = ReturnType<
  ReturnType<F>['opts']
>;

/** `--access-tokens`: the file of Plaid access tokens, one a line. */
export const accessTokensOption = () =>
  new Option('--access-tokens <file>', 'Access tokens, one a line; blank lines and # comments ignored');

/**
 * `--max-attempts`, `--retry-delay`, `--concurrency` and `--report`: how a command that calls a
 * provider's API for many Items or subscriptions runs, and where it reports.
 */
export const addApiRunOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
  reportName: string,
) => addRetryOptions(cmd).addOption(concurrencyOption()).addOption(reportOption(reportName));

/**
 * `-c, --context key=value` (repeatable): a setting of the stack, as `cdk synth -c` takes it
 * (lib/stack-settings.ts lists them), over the context of cdk.json.
 */
export const contextOption = () =>
  new Option(
    '-c, --context <key=value>',
    'A stack setting, as cdk synth -c takes it (repeatable): tracing=true, dashboard=true, logRetentionDays=90…',
  )
    .argParser(contextArg)
    .default({} as Record<string, string>);
