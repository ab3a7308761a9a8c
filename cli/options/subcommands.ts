import type { Command } from '@commander-js/extra-typings';
import { UsageError } from '../cli-error.js';
import { nearest } from '../suggest.js';

/**
 * For a command that is only a group of subcommands (`register plaid|argyle`, `events tail|…`):
 * naming none, or one it does not have, is a usage error (exit 2) that lists them, rather than
 * commander's help on stderr.
 */
export const requireSubcommand = (cmd: Command, noun: string): Command =>
  cmd.argument('[name]').action((name: string | undefined) => {
    const names = cmd.commands.map((c) => c.name());
    const choices = names.join(' or ');
    if (name === undefined) throw new UsageError(`missing ${noun}: ${choices}`);
    const near = nearest(name, names);
    throw new UsageError(
      `unknown ${noun} "${name}": use ${choices}${near.length ? ` (did you mean ${near[0]}?)` : ''}`,
    );
  }) as unknown as Command;
