import { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../cli-context.js';
import { requireSubcommand } from '../options/subcommands.js';
import { registerArgyleCommand } from './register-argyle.js';
import { registerPlaidCommand } from './register-plaid.js';

const DESCRIPTION = `Registers the pipeline's webhook URLs with the providers.

  webhook-pipeline register plaid --url <webhook url> --access-tokens <file> [options]
  webhook-pipeline register argyle --url <webhook url> --events <list> [--items <file>] [options]

plaid: points each Item at the pipeline with Plaid's /item/webhook/update; --wait checks that each
Item's WEBHOOK_UPDATE_ACKNOWLEDGED reached the table (with --local or --stack <name>).
argyle: creates the Argyle webhook subscriptions that deliver the events to the URL (idempotent).

Run 'webhook-pipeline register plaid --help' (or argyle) for the options.`;

/** `webhook-pipeline register plaid|argyle`. */
export const registerCommand = (ctx: CliContext) =>
  requireSubcommand(
    new Command('register')
      .summary('Register the webhook URLs with Plaid (Items) or Argyle (subscriptions)')
      .description(DESCRIPTION)
      .usage('plaid|argyle [options]')
      .addCommand(registerPlaidCommand(ctx))
      .addCommand(registerArgyleCommand(ctx)),
    'provider',
  );
