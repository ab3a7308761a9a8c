import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseStackSettings, SettingsError } from '../../lib/stack-settings.js';
import { parseCommandLine } from './cli-parse.js';
import { type CommandPlan, externalNeed, optionValues, planOf } from './command-plan.js';
import type { DocCommand } from './markdown-commands.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);

/** Commander errors that an inline mention may have: it names a command without its required parts. */
const MENTION_ERRORS = new Set([
  'commander.missingMandatoryOptionValue',
  'commander.missingArgument',
  'commander.help',
  'commander.helpDisplayed',
]);

/** A placeholder word (`<name>`, `…`) is not a value to check. */
const isPlaceholder = (word: string): boolean => word.includes('‹') || word.includes('…');

/** Problems with a stack name: the CDK app names its stacks `WebhookPipeline-<stage>` (lib/stack-settings.ts). */
export const stackNameProblems = (name: string): string[] => {
  if (isPlaceholder(name) || name.startsWith('$')) return [];
  const stage = /^WebhookPipeline-(.+)$/.exec(name)?.[1];
  const problem = `stack "${name}": the CDK app names its stacks WebhookPipeline-<stage> (stage: lower-case letters, digits and "-")`;
  if (!stage) return [problem];
  try {
    return parseStackSettings({ stage }).stackId === name ? [] : [problem];
  } catch (error) {
    if (error instanceof SettingsError) return [`${problem}: ${error.message}`];
    throw error;
  }
};

let cdkCommands: Promise<Set<string>> | undefined;
/** The commands (and aliases) of the project's CDK CLI, from its own help. */
const knownCdkCommands = (): Promise<Set<string>> => {
  cdkCommands ??= run(process.execPath, [join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk'), '--help'], {
    cwd: ROOT,
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' },
  }).then(({ stdout }) => {
    const names = new Set<string>();
    for (const m of stdout.matchAll(/^ {2}cdk (\S+)/gm)) names.add(m[1] ?? '');
    for (const m of stdout.matchAll(/\[aliases: ([^\]]+)\]/g))
      for (const alias of (m[1] ?? '').split(/,\s*/)) names.add(alias);
    return names;
  });
  return cdkCommands;
};

/** The SDK client of an `aws <service>` command, where the project has it installed. */
const SDK_CLIENTS: Readonly<Record<string, string>> = {
  cloudformation: '@aws-sdk/client-cloudformation',
  secretsmanager: '@aws-sdk/client-secrets-manager',
  events: '@aws-sdk/client-eventbridge',
  sqs: '@aws-sdk/client-sqs',
  dynamodb: '@aws-sdk/client-dynamodb',
};

const checkCli = async (command: DocCommand, argv: readonly string[]): Promise<string[]> => {
  const problems = optionValues(argv, '--stack').flatMap(stackNameProblems);
  const outcome = await parseCommandLine(argv);
  if (outcome.error) {
    // A code span in prose may name a command without its required parts, or with a placeholder.
    const mention = command.inline && (MENTION_ERRORS.has(outcome.error.code) || command.placeholder);
    if (!mention) problems.push(`webhook-pipeline refuses it: ${outcome.error.message.replace(/\n/g, ' ')}`);
  } else if (!outcome.ran && !command.inline) problems.push('webhook-pipeline runs no command for it');
  return problems;
};

const checkCdk = async (argv: readonly string[]): Promise<string[]> => {
  const problems: string[] = [];
  const sub = argv.find((w) => !w.startsWith('-'));
  if (sub && !isPlaceholder(sub) && !(await knownCdkCommands()).has(sub))
    problems.push(`cdk has no command "${sub}"`);
  // -c key=value: the settings bin/app.ts reads, through the same parser.
  const context = Object.fromEntries(
    optionValues(argv, '-c', '--context')
      .filter((pair) => !isPlaceholder(pair))
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  try {
    parseStackSettings(context);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    problems.push(`the CDK app refuses its context: ${error.message.replace(/\n/g, ' ')}`);
  }
  return problems;
};

/** A script's own parser, in a dry mode: its arguments and `--help`, which prints the usage and exits 0. */
const checkScript = async (plan: Extract<CommandPlan, { tool: 'script' }>): Promise<string[]> => {
  const problems = optionValues(plan.argv, '--stack').flatMap(stackNameProblems);
  if (plan.argv.length === 0 || plan.argv.some(isPlaceholder)) return problems;
  try {
    await run(process.execPath, ['--import', 'tsx', plan.file, ...plan.argv, '--help'], { cwd: ROOT });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    problems.push(
      `npm run ${plan.script} refuses its arguments: ${(stderr || stdout || String(error)).trim()}`,
    );
  }
  return problems;
};

const checkAws = async (argv: readonly string[]): Promise<string[]> => {
  const problems = optionValues(argv, '--stack-name').flatMap(stackNameProblems);
  const [service = '', operation = ''] = argv;
  const client = SDK_CLIENTS[service];
  if (client) {
    const name = `${operation.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}Command`;
    const sdk = (await import(client)) as Record<string, unknown>;
    if (!(name in sdk))
      problems.push(`aws ${service} has no operation "${operation}" (${client} has no ${name})`);
  }
  return problems;
};

/** Words that name a file of the project (`bench/first-request.ts`): it must be there. */
const missingPaths = (argv: readonly string[]): string[] =>
  argv
    .filter((w) => /^(bench|bin|cli|docs|lambdas|lib|local|packages|scripts|test)\/[\w./-]+$/.test(w))
    .filter((w) => !existsSync(join(ROOT, w)))
    .map((w) => `no file ${w} in the project`);

/**
 * Everything wrong with one documented command, short of running it: its tool's parser refuses it, it
 * names a stack the CDK app would not create, an npm script or a file that does not exist, or it needs
 * an account and its doc does not say so.
 */
export const commandProblems = async (command: DocCommand): Promise<string[]> => {
  const plan = planOf(command);
  const problems: string[] = [];
  const need = externalNeed(plan);
  if (!command.inline && need && !command.needs)
    problems.push(
      `it needs ${need}: end it with "# needs ${need}", or put that comment above it (CONTRIBUTING.md)`,
    );
  if (!command.inline && command.needs && plan.tool === 'cli' && !need && plan.argv[0] !== 'dev')
    problems.push(
      'it is marked "needs" but runs against npm run dev alone: remove the marker, so that it runs',
    );
  switch (plan.tool) {
    case 'unknown':
      problems.push(plan.problem);
      break;
    case 'cli':
      problems.push(...(await checkCli(command, plan.argv)));
      break;
    case 'cdk':
      problems.push(...(await checkCdk(plan.argv)));
      break;
    case 'script':
      problems.push(...(await checkScript(plan)));
      break;
    case 'aws':
      problems.push(...(await checkAws(plan.argv)));
      break;
    case 'bin':
      if (!existsSync(join(ROOT, 'node_modules', '.bin', plan.bin)))
        problems.push(`no program "${plan.bin}" installed`);
      break;
    default:
      break;
  }
  problems.push(...missingPaths(command.args));
  return problems;
};
