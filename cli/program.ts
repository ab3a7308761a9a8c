import { readFileSync } from 'node:fs';
import { Command, Help } from '@commander-js/extra-typings';
import type { CliContext } from './cli-context.js';
import { costCommand } from './commands/cost.js';
import { devCommand } from './commands/dev.js';
import { eventsCommand } from './commands/events.js';
import { fireCommand } from './commands/fire.js';
import { reconcileCommand } from './commands/reconcile.js';
import { redriveDlqCommand } from './commands/redrive-dlq.js';
import { registerCommand } from './commands/register.js';
import { replayCommand } from './commands/replay.js';
import { requeueCommand, requeueQuarantinedCommand } from './commands/requeue.js';
import { sendCommand } from './commands/send.js';
import { unregisterCommand } from './commands/unregister.js';
import { prose } from './options/help-sections.js';

/** The package's version: its package.json is one folder up from the sources, two from dist/cli. */
const version = (): string => {
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {
        name?: string;
        version: string;
      };
      if (pkg.name === 'webhook-pipeline') return pkg.version;
    } catch {
      // Not at this level.
    }
  }
  return 'unknown';
};

/** Every command below `command`, itself included. */
const everyCommand = (command: Command): Command[] => [
  command,
  ...command.commands.flatMap((c) => everyCommand(c as unknown as Command)),
];

/**
 * How a command is named in its parent's list: a group by its subcommands (`register plaid|argyle`),
 * another by its arguments (`fire [provider] [name...]`); its options are in its own help.
 */
const subcommandTerm = (command: {
  name(): string;
  commands: readonly { name(): string }[];
  registeredArguments: readonly { name(): string; required: boolean; variadic: boolean }[];
}): string => {
  if (command.commands.length) return `${command.name()} ${command.commands.map((c) => c.name()).join('|')}`;
  const args = command.registeredArguments.map((a) => {
    const name = `${a.name()}${a.variadic ? '...' : ''}`;
    return a.required ? `<${name}>` : `[${name}]`;
  });
  return [command.name(), ...args].join(' ');
};

const baseHelp = new Help();

/** An option's help line, without the defaults that say nothing (a repeatable's [] or a flag's false). */
const optionDescription = (option: Parameters<Help['optionDescription']>[0]): string =>
  baseHelp.optionDescription(option).replace(/ \(default: (\[\]|false)\)$/, '');

/** Commander writes whole blocks ending in a newline; the context takes lines. */
const asLines = (write: (line: string) => void) => (text: string) => write(text.replace(/\n$/, ''));

/**
 * The command tree. Every command shares the same settings: errors thrown rather than exiting the
 * process (main() turns them into the exit status), output through the context's writers, and
 * "did you mean" suggestions for unknown options and commands.
 */
export const createProgram = (ctx: CliContext): Command => {
  const program = new Command('webhook-pipeline')
    .description('Verified Plaid and Argyle webhooks into AWS, typed events out.')
    .version(version(), '-v, --version', 'Print the version')
    .helpCommand('help [command]', 'Help for a command')
    .addHelpText('after', "\nRun 'webhook-pipeline <command> --help' for a command's options.");
  const local = [devCommand(ctx), fireCommand(ctx), sendCommand(ctx), eventsCommand(ctx)];
  const operations = [
    registerCommand(ctx),
    unregisterCommand(ctx),
    reconcileCommand(ctx),
    replayCommand(ctx),
    redriveDlqCommand(ctx),
    requeueCommand(ctx),
    requeueQuarantinedCommand(ctx),
  ];
  for (const command of local) program.addCommand(command.helpGroup('Local pipeline:'));
  program.addCommand(costCommand(ctx).helpGroup('Before you deploy:'));
  for (const command of operations) {
    program.addCommand(
      command.helpGroup(
        'Operations (the local pipeline with --local, a deployed stack with --stack <name>):',
      ),
    );
  }
  for (const command of everyCommand(program as unknown as Command)) {
    command
      .description(prose(command.description()))
      .exitOverride()
      .showSuggestionAfterError(true)
      .helpOption('-h, --help', 'This help')
      .configureHelp({ subcommandTerm, optionDescription })
      .configureOutput({
        writeOut: asLines(ctx.out),
        writeErr: asLines(ctx.err),
        // main() prints parse errors itself, in the same form as every other usage error.
        outputError: () => undefined,
        getOutHelpWidth: () => ctx.columns ?? 100,
        getErrHelpWidth: () => ctx.columns ?? 100,
      });
  }
  return program as unknown as Command;
};
