import { readFile } from 'node:fs/promises';
import { Argument, Command } from '@commander-js/extra-typings';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import { deliverSigned } from '../local-settings.js';
import { addClosingHelp } from '../options/help-sections.js';
import { providerArg } from '../options/parsers.js';
import { localDirOption, portOption, urlOption } from '../options/shared-options.js';

/** `webhook-pipeline send`. */
export const sendCommand = (ctx: CliContext) => {
  const command = new Command('send')
    .summary("Sign a payload file's bytes unchanged and POST them")
    .description(
      `Signs the file's bytes unchanged (no re-serialisation) with the local dev key or secret and POSTs
them; prints the HTTP status and the answer's body. Use it to replay a payload captured from
production against the local pipeline. The local pipeline is found at --url, else on --port,
$PORT, the port of the running dev process (<local dir>/dev.json), or 3000.`,
    )
    .addArgument(new Argument('<provider>', 'plaid or argyle').argParser(providerArg))
    .option('-f, --file <path>', 'The payload to send (required)')
    .addOption(urlOption('Where to POST (default: the local pipeline, see above)'))
    .addOption(portOption('Port of the local pipeline (default $PORT, the running dev process, or 3000)'))
    .addOption(localDirOption())
    .action(async (provider, options) => {
      if (!options.file) throw new UsageError('missing --file <payload.json>');
      let body: Buffer;
      try {
        body = await readFile(options.file);
      } catch (error) {
        throw new UsageError(
          `cannot read ${options.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
      }
      const answer = await deliverSigned(provider, body, ctx.env, options);
      ctx.out(`${answer.status} ${answer.statusText}`);
      ctx.out(answer.text);
      ctx.status = answer.status >= 200 && answer.status < 300 ? 0 : 1;
    });
  addClosingHelp(command, { ok: 'on a 2xx answer', failed: 'otherwise' });
  return command;
};
