import { type Command, CommanderError } from '@commander-js/extra-typings';
import type { CliContext } from '../../cli/cli-context.js';
import { UsageError } from '../../cli/cli-error.js';
import { createProgram } from '../../cli/program.js';

/** What parsing a command line through the real command tree gave. */
export interface ParseOutcome {
  /** The command whose action would have run (`register plaid`), when the line parsed. */
  readonly ran?: string;
  /** Why it did not: commander's error code (`usage` for an option or argument parser's refusal). */
  readonly error?: { readonly code: string; readonly message: string };
}

/** The real command tree, with an empty environment and its output dropped. */
export const silentProgram = () => {
  const ctx: CliContext = {
    env: {},
    out: () => undefined,
    err: () => undefined,
    columns: undefined,
    status: 0,
  };
  return createProgram(ctx);
};

/**
 * Parses `argv` (what follows `webhook-pipeline`) through the real command tree with every action
 * replaced by one that only records which command ran: every flag, argument, choice and option
 * parser is applied, nothing is called.
 */
export const parseCommandLine = async (argv: readonly string[]): Promise<ParseOutcome> => {
  const program = silentProgram();
  const ran: string[] = [];
  const visit = (command: Command, path: string[]) => {
    command.action(() => {
      ran.push(path.join(' '));
    });
    for (const sub of command.commands) visit(sub as unknown as Command, [...path, sub.name()]);
  };
  visit(program, []);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return { error: { code: error.code, message: error.message } };
    if (error instanceof UsageError) return { error: { code: 'usage', message: error.message } };
    throw error;
  }
  return ran[0] === undefined ? {} : { ran: ran[0] };
};
