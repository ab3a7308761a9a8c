import type { Command, OptionValues } from '@commander-js/extra-typings';

// Help paragraphs several commands print after their options, written once, and the unwrapping of
// descriptions so that commander can wrap them to the terminal's width.

/**
 * Joins the hard-wrapped lines of each paragraph of `text` into one line, so that commander wraps
 * it to the width of the terminal; indented lines (usage forms, lists, tables) are kept as written.
 */
export const prose = (text: string): string =>
  text
    .split('\n')
    .reduce<string[]>((lines, line) => {
      const previous = lines.at(-1);
      const joins = previous !== undefined && previous !== '' && !/^\s/.test(previous) && /^\S/.test(line);
      if (joins) lines[lines.length - 1] = `${previous} ${line}`;
      else lines.push(line);
      return lines;
    }, [])
    .join('\n');

/** Where Plaid calls go and with which credentials. */
const PLAID_API_HELP = `
Plaid API (environment):
  PLAID_ENV (sandbox|production) or PLAID_BASE_URL   which Plaid API to call
  PLAID_CLIENT_ID + PLAID_SECRET                      the credentials; else PLAID_SECRET_ARN (a Secrets
                                                      Manager secret {"client_id","secret"}), else with
                                                      --stack the stack's Plaid secret`;

/** Where Argyle calls go and with which API key. */
const ARGYLE_API_HELP = `
Argyle API (environment):
  ARGYLE_ENV (sandbox|production) or ARGYLE_BASE_URL  which Argyle API to call
  ARGYLE_API_KEY_ID + ARGYLE_API_KEY_SECRET           the API key; else ARGYLE_API_KEY_ARN (a secret
                                                      {"api_key_id","api_key_secret"})`;

/** Adds the Plaid API environment paragraph to a command's help. */
export const addPlaidApiHelp = <A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) => cmd.addHelpText('after', PLAID_API_HELP);

/** Adds the Argyle API environment paragraph to a command's help. */
export const addArgyleApiHelp = <A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) => cmd.addHelpText('after', ARGYLE_API_HELP);

/** Adds examples, when given, and the exit statuses (0 `ok`, 1 `failed`, 2 usage error) to a command's help. */
export const addClosingHelp = <A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
  { ok, failed, examples = [] }: { ok: string; failed: string; examples?: readonly string[] },
) =>
  cmd.addHelpText(
    'after',
    `${examples.length ? `\nExamples:\n${examples.map((e) => `  ${e}`).join('\n')}\n` : ''}
Exit status:
  0  ${ok}
  1  ${failed}
  2  on a usage error (nothing was called)`,
  );
