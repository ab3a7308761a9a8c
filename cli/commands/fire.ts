import { Argument, Command } from '@commander-js/extra-typings';
import type { ProviderName } from '@webhook-pipeline/events/sources';
import { detailTypeOfBody } from '../../local/console/console-state.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import { deliverSigned } from '../local-settings.js';
import { addClosingHelp, addPlaidApiHelp } from '../options/help-sections.js';
import { parseProvider, providerArg } from '../options/parsers.js';
import { localDirOption, portOption, repeatableOption, urlOption } from '../options/shared-options.js';
import { FIRE_MARK_FIELD, findEntry, fireBody } from '../samples.js';
import { listCatalogue } from './fire-list.js';
import { fireSandbox, listSandboxFires, SANDBOX_FIRE_HELP } from './fire-sandbox.js';

const DESCRIPTION = `Sends a realistic sample of a catalogue webhook, signed with the local dev key (Plaid) or secret
(Argyle), to the local pipeline.

  webhook-pipeline fire plaid <webhook_type> <webhook_code> [options]
  webhook-pipeline fire argyle <event> [options]
  webhook-pipeline fire --list [plaid|argyle]
  webhook-pipeline fire plaid --sandbox --access-token <token> <webhook_type> <webhook_code>
  webhook-pipeline fire --list --sandbox

Each fire is a new webhook, as a provider's retry-free delivery would be: the pipeline dedupes on
the body's bytes, so fire adds a top-level "${FIRE_MARK_FIELD}": {"id", "fired_at"} that differs
every time (the schemas pass unknown top-level fields through). --exact sends the catalogue
sample byte for byte instead: a second --exact fire within the dedupe window (10 min) is answered
"duplicate", with the first webhook's id, and publishes nothing.

The local pipeline is found at --url, else on --port, $PORT, the port of the running dev process
(<local dir>/dev.json), or 3000.

With --sandbox, asks Plaid's sandbox to fire the webhook itself (/sandbox/item/fire_webhook,
official SDK) to the URL registered for the access token's Item. The sandbox fires only these
(type code: product the Item needs):
${SANDBOX_FIRE_HELP}
Other codes are refused before calling Plaid; PLAID_ENV defaults to sandbox.`;

/** What the ingest endpoint answers (docs: HTTP answers of POST /webhooks/{provider}). */
interface IngestAnswer {
  readonly status?: string;
  readonly webhookId?: string;
}

const parseAnswer = (text: string): IngestAnswer => {
  try {
    return JSON.parse(text) as IngestAnswer;
  } catch {
    return {};
  }
};

/** `fire <provider> <name>` to the local pipeline; the exit status. */
const fireLocal = async (
  provider: ProviderName | undefined,
  words: readonly string[],
  options: {
    set: string[];
    exact?: true | undefined;
    print?: true | undefined;
    url?: string | undefined;
    port?: number | undefined;
    localDir?: string | undefined;
  },
  ctx: CliContext,
): Promise<number> => {
  const checked = parseProvider(provider);
  const entry = findEntry(checked, words);
  const body = fireBody(entry, options.set, { exact: options.exact === true });
  if (options.print) {
    ctx.out(body.toString('utf8'));
    return 0;
  }
  const answer = await deliverSigned(checked, body, ctx.env, options);
  // An override may change what the body is (--set event=…): name what was sent, not what was asked.
  const sent = detailTypeOfBody(checked, JSON.parse(body.toString('utf8')));
  const changed =
    sent === entry.detailType ? '' : ` (--set changed the detail-type from ${entry.detailType})`;
  ctx.out(`${sent} → ${answer.status} ${answer.statusText}${changed}`);
  ctx.out(answer.text);
  const parsed = parseAnswer(answer.text);
  if (parsed.status === 'duplicate') {
    ctx.out(
      `duplicate: the pipeline already has this body, as webhook ${parsed.webhookId}; no new event will be published${options.exact ? ' (fire without --exact sends a new webhook each time)' : ''}`,
    );
  }
  return answer.status >= 200 && answer.status < 300 ? 0 : 1;
};

/** `webhook-pipeline fire`. */
export const fireCommand = (ctx: CliContext) => {
  const command = new Command('fire')
    .summary('Send a signed sample of a catalogue webhook to the local pipeline')
    .description(DESCRIPTION)
    .addArgument(new Argument('[provider]', 'plaid or argyle').argParser(providerArg))
    .argument('[name...]', 'Plaid: <webhook_type> <webhook_code> (or TYPE.CODE); Argyle: <event>')
    .addOption(
      repeatableOption(
        '--set <path=value>',
        'Override a field of the sample (repeatable); dots reach nested fields, values are JSON when they parse as JSON: --set item_id=abc --set error=null',
      ),
    )
    .option('--exact', 'Send the catalogue sample byte for byte (a second one is a duplicate)')
    .addOption(urlOption('Where to POST (default: the local pipeline, see above)'))
    .addOption(portOption('Port of the local pipeline (default $PORT, the running dev process, or 3000)'))
    .option('--print', 'Print the body instead of sending it')
    .option('--list', 'List what can be fired')
    .option('--sandbox', "Have Plaid's sandbox fire it (needs --access-token)")
    .option('--access-token <token>', "The sandbox Item's access token (with --sandbox)")
    .addOption(localDirOption())
    .action(async (provider, words, options) => {
      if (options.list && options.sandbox) {
        listSandboxFires(ctx.out);
        return;
      }
      if (options.sandbox) {
        ctx.status = await fireSandbox(provider, words, options.accessToken, ctx.env, ctx.out);
        return;
      }
      if (options.accessToken) throw new UsageError('--access-token goes with --sandbox');
      if (options.list) {
        listCatalogue(provider ? [provider] : ['plaid', 'argyle'], ctx.columns, ctx.out);
        return;
      }
      ctx.status = await fireLocal(provider, words, options, ctx);
    });
  addPlaidApiHelp(command);
  addClosingHelp(command, { ok: 'on a 2xx answer', failed: 'otherwise' });
  return command;
};
