import { CommanderError } from '@commander-js/extra-typings';
import type { CliContext } from './cli-context.js';
import { UsageError } from './cli-error.js';
import { createProgram } from './program.js';

/** The default writers: one line each to stdout and stderr. */
const printLine = (line: string) => console.log(line);
const printError = (line: string) => console.error(line);

/** The words of `argv` that name a command and its subcommands (`register plaid`). */
const commandPath = (program: ReturnType<typeof createProgram>, argv: readonly string[]): string[] => {
  const path: string[] = [];
  let command = program;
  for (const word of argv) {
    const sub = command.commands.find((c) => c.name() === word);
    if (!sub) break;
    path.push(word);
    command = sub as typeof program;
  }
  return path;
};

/**
 * Commander's message in the form of the others: no `error: ` prefix, and its suggestion on the
 * same line ("unknown option '--sett'; did you mean --set?").
 */
const commanderMessage = (error: CommanderError): string =>
  error.message
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean (.+)\?\)$/, '; did you mean $1?')
    .trim();

/**
 * Runs the CLI in this process; returns the exit status (0 ok, 1 failed, 2 usage error). It never
 * exits the process and writes only through `out` and `err`, so tests call it directly.
 */
export const main = async (
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = printLine,
  err: (line: string) => void = printError,
): Promise<number> => {
  const ctx: CliContext = {
    env,
    out,
    err,
    // Only the real stdout has a width; what tests capture is like a file.
    columns: out === printLine && process.stdout.isTTY ? process.stdout.columns : undefined,
    status: 0,
  };
  const program = createProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.status;
  } catch (error) {
    const name = ['webhook-pipeline', ...commandPath(program, argv)].join(' ');
    const usage = (message: string) => {
      err(`${name}: ${message}\nRun '${name} --help' for usage.`);
      return 2;
    };
    if (error instanceof CommanderError) {
      // --help and --version end here too, with status 0; help shown for a missing command, 2.
      if (error.exitCode === 0) return 0;
      if (error.code === 'commander.help') return 2;
      return usage(commanderMessage(error));
    }
    if (error instanceof UsageError) return usage(error.message);
    err(`${name}: ${(error as Error).message}`);
    return 1;
  }
};
