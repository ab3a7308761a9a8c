import { parseArgs } from 'node:util';
import { UsageError } from '../cli-error.js';
import { localDir, localWebhookUrl, parseProvider, postWebhook, signForLocal } from '../local-settings.js';
import { entriesOf, findEntry, sampleBody } from '../samples.js';

export const FIRE_HELP = `Usage:
  webhook-pipeline fire plaid <webhook_type> <webhook_code> [options]
  webhook-pipeline fire argyle <event> [options]
  webhook-pipeline fire --list [plaid|argyle]

Sends a realistic sample of a catalogue webhook, signed with the local dev key (Plaid) or secret
(Argyle), to the local pipeline.

Options:
  --set <path=value>  Override a field of the sample (repeatable); dots reach nested fields,
                      values are JSON when they parse as JSON: --set item_id=abc --set error=null
  --url <url>         Where to POST (default http://127.0.0.1:$PORT/webhooks/<provider>, PORT=3000)
  --print             Print the body instead of sending it
  --list              List what can be fired
  --local-dir <dir>   Folder of the dev keys (default $LOCAL_DIR or .local)
  -h, --help          This help

Exit status: 0 on a 2xx answer, 1 otherwise, 2 on a usage error.`;

/** `webhook-pipeline fire`. */
export const fire = async (
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      set: { type: 'string', multiple: true, default: [] },
      url: { type: 'string' },
      print: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      'local-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    out(FIRE_HELP);
    return 0;
  }
  if (values.list) {
    const providers = positionals.length ? [parseProvider(positionals[0])] : (['plaid', 'argyle'] as const);
    for (const provider of providers) {
      for (const { detailType, entry } of entriesOf(provider)) {
        const words = provider === 'plaid' ? detailType.replace('.', ' ') : detailType;
        out(`${provider.padEnd(7)} ${words.padEnd(58)} ${entry.description.slice(0, 90)}`);
      }
    }
    return 0;
  }
  const provider = parseProvider(positionals[0]);
  const entry = findEntry(provider, positionals.slice(1));
  const body = sampleBody(entry, values.set);
  if (values.print) {
    out(body.toString('utf8'));
    return 0;
  }
  const url = values.url ?? localWebhookUrl(env, provider);
  const headers = await signForLocal(provider, body, env, localDir(env, values['local-dir']));
  const answer = await postWebhook(url, body, headers);
  out(`${entry.detailType} → ${answer.status} ${answer.statusText}`);
  out(answer.text);
  return answer.status >= 200 && answer.status < 300 ? 0 : 1;
};
