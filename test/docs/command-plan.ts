import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DocCommand } from './markdown-commands.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SCRIPTS = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** The cdk commands that need no AWS account (everything else reads or changes one). */
const OFFLINE_CDK = new Set([
  'synth',
  'synthesize',
  'list',
  'ls',
  'flags',
  'context',
  'docs',
  'doc',
  'doctor',
  'init',
  'metadata',
  'notices',
  'acknowledge',
  'ack',
]);
/** Programs of the shell around the project's commands (`cd`, `| head -1`): neither run nor checked. */
const SHELL_UTILITIES = new Set([
  'cd',
  'export',
  'git',
  'mkdir',
  'cp',
  'mv',
  'rm',
  'cat',
  'echo',
  'ls',
  'touch',
  'head',
  'tail',
  'grep',
  'jq',
  'sort',
  'wc',
]);

/** What a documented command is, once `npx`, `npm run` and the package's scripts are seen through. */
export type CommandPlan =
  /** `webhook-pipeline <argv>` (`npx webhook-pipeline`, `npm run dev -- …`). */
  | { readonly tool: 'cli'; readonly argv: readonly string[] }
  /** The CDK CLI (`npx cdk`, `npm run deploy -- …`, `npm run synth`). */
  | { readonly tool: 'cdk'; readonly argv: readonly string[] }
  /** One of the package's TypeScript scripts with arguments (`npm run smoke -- --stack …`). */
  | {
      readonly tool: 'script';
      readonly script: string;
      readonly file: string;
      readonly argv: readonly string[];
    }
  /** An npm command of the project itself: install, test, lint, schemas (checked: the script exists). */
  | { readonly tool: 'project'; readonly script?: string }
  /** A program of node_modules/.bin (`npx vitest …`). */
  | { readonly tool: 'bin'; readonly bin: string; readonly argv: readonly string[] }
  | { readonly tool: 'aws'; readonly argv: readonly string[] }
  | { readonly tool: 'curl'; readonly argv: readonly string[] }
  | { readonly tool: 'node'; readonly argv: readonly string[] }
  /** A shell utility around the project's commands (`cd`, `| head -1`). */
  | { readonly tool: 'shell'; readonly program: string }
  /** A program this test does not know: a mistake in a block (teach the test, or use another). */
  | { readonly tool: 'unknown'; readonly problem: string };

/** Splits `a b -- c d` at its `--`. */
const afterDashes = (args: readonly string[]): { before: string[]; after: string[] } => {
  const at = args.indexOf('--');
  return at < 0 ? { before: [...args], after: [] } : { before: args.slice(0, at), after: args.slice(at + 1) };
};

/** What `npm run <name> -- <extra>` runs. */
const npmScript = (name: string, extra: readonly string[]): CommandPlan => {
  const body = SCRIPTS[name];
  if (body === undefined) return { tool: 'unknown', problem: `package.json has no script "${name}"` };
  // The script's own words, less the variables it sets (NO_LOSS_RUNS=… vitest run …).
  const words = body.split(/\s+/).filter((w) => !/^[A-Z_]+=/.test(w));
  const [program, ...rest] = words;
  if (program === 'node' && rest[0] === 'bin/webhook-pipeline.js')
    return { tool: 'cli', argv: [...rest.slice(1), ...extra] };
  if (program === 'cdk') return { tool: 'cdk', argv: [...rest, ...extra] };
  if (program === 'tsx' && rest[0]) return { tool: 'script', script: name, file: rest[0], argv: [...extra] };
  if (extra.length)
    return { tool: 'unknown', problem: `the arguments of "npm run ${name}" (${body}) are not checked` };
  return { tool: 'project', script: name };
};

/** Sees through `npx`, `npm` and the package's scripts to the tool a command runs. */
export const planOf = (command: DocCommand): CommandPlan => {
  const { program, args } = command;
  if (program === 'webhook-pipeline') return { tool: 'cli', argv: args };
  if (program === 'cdk') return { tool: 'cdk', argv: args };
  if (program === 'aws' || program === 'curl' || program === 'node') return { tool: program, argv: args };
  if (SHELL_UTILITIES.has(program)) return { tool: 'shell', program };
  if (program === 'npx') {
    const [bin = '', ...rest] = args;
    if (bin === 'webhook-pipeline') return { tool: 'cli', argv: rest };
    if (bin === 'cdk') return { tool: 'cdk', argv: rest };
    return { tool: 'bin', bin, argv: rest };
  }
  if (program === 'npm') {
    const [sub = '', ...rest] = args;
    if (['install', 'i', 'ci'].includes(sub)) return { tool: 'project' };
    if (sub === 'test' || sub === 't') return npmScript('test', afterDashes(rest).after);
    if (sub === 'run' || sub === 'run-script') {
      const { before, after } = afterDashes(rest);
      const [name = '', ...stray] = before;
      // A placeholder (`npm run <script>`) names no script to check.
      if (name.includes('‹')) return { tool: 'project' };
      if (stray.length)
        return { tool: 'unknown', problem: `npm run ${name}: arguments before "--" (${stray.join(' ')})` };
      return npmScript(name, after);
    }
    return { tool: 'unknown', problem: `npm ${sub} is not a command the docs test knows` };
  }
  return { tool: 'unknown', problem: `the docs test does not know the program "${program}"` };
};

/** The words of `argv` that are options' values given as `--name value` (or `--name=value`). */
export const optionValues = (argv: readonly string[], ...names: string[]): string[] =>
  argv.flatMap((word, i) => {
    for (const name of names) {
      if (word === name && argv[i + 1] !== undefined) return [argv[i + 1] as string];
      if (word.startsWith(`${name}=`)) return [word.slice(name.length + 1)];
    }
    return [];
  });

/**
 * What a command needs that this machine does not have, or undefined when it runs against `npm run
 * dev` alone. Such a command must carry a `# needs …` marker in its doc.
 */
export const externalNeed = (plan: CommandPlan): string | undefined => {
  switch (plan.tool) {
    case 'cli': {
      const [command, sub] = plan.argv;
      if (plan.argv.includes('--stack')) return 'an AWS account (a deployed stack)';
      if (command === 'register' || command === 'unregister' || command === 'reconcile')
        return `the ${sub ?? 'provider'} API and its keys`;
      if (command === 'fire' && plan.argv.includes('--sandbox') && !plan.argv.includes('--list'))
        return "Plaid's sandbox and its keys";
      return undefined;
    }
    case 'cdk': {
      const sub = plan.argv.find((w) => !w.startsWith('-'));
      return sub && OFFLINE_CDK.has(sub) ? undefined : 'an AWS account';
    }
    case 'script':
      return plan.argv.includes('--stack') ? 'an AWS account (a deployed stack)' : undefined;
    case 'aws':
      return 'an AWS account';
    case 'curl':
      return "a provider's API and its keys";
    default:
      return undefined;
  }
};

/** A command line of `webhook-pipeline`, with the doc command it comes from. */
export interface CliLine {
  readonly command: DocCommand;
  readonly argv: readonly string[];
}

/** How the docs test treats the documented commands. */
export interface DocsPlan {
  /** Block lines run against the dev process, one after the other; each must exit 0. */
  readonly run: CliLine[];
  /** Block lines that follow (`events tail -f`): started first, still running at the end. */
  readonly follow: CliLine[];
  /** The arguments of the one dev process: the documented `dev` line with the most of them. */
  readonly dev: readonly string[];
  /** Checked without running: marked as needing an account, inline in prose, or with a placeholder. */
  readonly checkedOnly: DocCommand[];
}

const FOLLOW_FLAGS = new Set(['-f', '--follow']);

/** Which documented commands run against `npm run dev`, which are only checked, and the dev process's arguments. */
export const docsPlan = (commands: readonly DocCommand[]): DocsPlan => {
  const plan: { run: CliLine[]; follow: CliLine[]; dev: string[][]; checkedOnly: DocCommand[] } = {
    run: [],
    follow: [],
    dev: [],
    checkedOnly: [],
  };
  for (const command of commands) {
    const resolved = planOf(command);
    const local = !command.inline && !command.needs && !command.placeholder && !externalNeed(resolved);
    if (resolved.tool !== 'cli' || !local) {
      plan.checkedOnly.push(command);
      continue;
    }
    const line = { command, argv: resolved.argv };
    if (resolved.argv[0] === 'dev') plan.dev.push([...resolved.argv]);
    else if (resolved.argv.some((w) => FOLLOW_FLAGS.has(w))) plan.follow.push(line);
    else plan.run.push(line);
  }
  const dev = plan.dev.sort((a, b) => b.length - a.length)[0] ?? ['dev'];
  return { run: plan.run, follow: plan.follow, dev, checkedOnly: plan.checkedOnly };
};
