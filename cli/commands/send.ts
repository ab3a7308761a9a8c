import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { UsageError } from '../cli-error.js';
import { localDir, localWebhookUrl, parseProvider, postWebhook, signForLocal } from '../local-settings.js';

export const SEND_HELP = `Usage:
  webhook-pipeline send <plaid|argyle> --file <payload.json> [--url <url>]

Signs the file's bytes unchanged (no re-serialisation) with the local dev key or secret and POSTs
them; prints the HTTP status and the answer's body. Use it to replay a payload captured from
production against the local pipeline.

Options:
  --file <path>       The payload to send (required)
  --url <url>         Where to POST (default http://127.0.0.1:$PORT/webhooks/<provider>, PORT=3000)
  --local-dir <dir>   Folder of the dev keys (default $LOCAL_DIR or .local)
  -h, --help          This help

Exit status: 0 on a 2xx answer, 1 otherwise, 2 on a usage error.`;

/** `webhook-pipeline send`. */
export const send = async (
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      file: { type: 'string', short: 'f' },
      url: { type: 'string' },
      'local-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    out(SEND_HELP);
    return 0;
  }
  const provider = parseProvider(positionals[0]);
  if (!values.file) throw new UsageError('missing --file <payload.json>');
  let body: Buffer;
  try {
    body = await readFile(values.file);
  } catch (error) {
    throw new UsageError(
      `cannot read ${values.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const url = values.url ?? localWebhookUrl(env, provider);
  const headers = await signForLocal(provider, body, env, localDir(env, values['local-dir']));
  const answer = await postWebhook(url, body, headers);
  out(`${answer.status} ${answer.statusText}`);
  out(answer.text);
  return answer.status >= 200 && answer.status < 300 ? 0 : 1;
};
