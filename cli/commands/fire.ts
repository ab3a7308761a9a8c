import { parseArgs } from 'node:util';
import type { SandboxItemFireWebhookRequestWebhookCodeEnum, WebhookType } from 'plaid';
import { UsageError } from '../cli-error.js';
import { localDir, localWebhookUrl, parseProvider, postWebhook, signForLocal } from '../local-settings.js';
import { createGate, withRetry } from '../ops/concurrency.js';
import { plaidCredentials } from '../ops/credentials.js';
import {
  createPlaidApi,
  plaidBasePath,
  plaidErrorOf,
  plaidRetryDecision,
  SANDBOX_FIRE_RULES,
  sandboxFireRule,
} from '../ops/plaid.js';
import { maskAccessToken } from '../ops/report.js';
import { entriesOf, findEntry, sampleBody } from '../samples.js';

export const FIRE_HELP = `Usage:
  webhook-pipeline fire plaid <webhook_type> <webhook_code> [options]
  webhook-pipeline fire argyle <event> [options]
  webhook-pipeline fire --list [plaid|argyle]
  webhook-pipeline fire plaid --sandbox --access-token <token> <webhook_type> <webhook_code>
  webhook-pipeline fire --list --sandbox

Sends a realistic sample of a catalogue webhook, signed with the local dev key (Plaid) or secret
(Argyle), to the local pipeline.

With --sandbox, asks Plaid's sandbox to fire the webhook itself (/sandbox/item/fire_webhook,
official SDK) to the URL registered for the access token's Item. The sandbox fires only these
(type code: product the Item needs):
${SANDBOX_FIRE_RULES.map((r) => `  ${`${r.type} ${r.code}`.padEnd(46)} ${r.product ?? 'any Item'}`).join('\n')}
Other codes are refused before calling Plaid. PLAID_BASE_URL, or PLAID_ENV (sandbox by default),
says where to call; PLAID_CLIENT_ID + PLAID_SECRET (or PLAID_SECRET_ARN) are the credentials.

Options:
  --set <path=value>  Override a field of the sample (repeatable); dots reach nested fields,
                      values are JSON when they parse as JSON: --set item_id=abc --set error=null
  --url <url>         Where to POST (default http://127.0.0.1:$PORT/webhooks/<provider>, PORT=3000)
  --print             Print the body instead of sending it
  --list              List what can be fired
  --sandbox           Have Plaid's sandbox fire it (needs --access-token)
  --access-token <t>  The sandbox Item's access token (with --sandbox)
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
      sandbox: { type: 'boolean', default: false },
      'access-token': { type: 'string' },
      'local-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    out(FIRE_HELP);
    return 0;
  }
  if (values.list && values.sandbox) {
    for (const r of SANDBOX_FIRE_RULES) {
      out(`plaid   ${`${r.type} ${r.code}`.padEnd(46)} ${(r.product ?? 'any Item').padEnd(38)} ${r.note}`);
    }
    return 0;
  }
  if (values.sandbox) return fireSandbox(positionals, values['access-token'], env, out);
  if (values['access-token']) throw new UsageError('--access-token goes with --sandbox');
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

/** `fire plaid --sandbox`: Plaid's /sandbox/item/fire_webhook through the SDK. */
const fireSandbox = async (
  positionals: readonly string[],
  accessToken: string | undefined,
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> => {
  if (positionals[0] !== 'plaid') {
    throw new UsageError("--sandbox is Plaid's /sandbox/item/fire_webhook: fire plaid --sandbox …");
  }
  const words = positionals.slice(1).flatMap((w) => w.split('.'));
  if (words.length !== 2) {
    throw new UsageError(
      'fire plaid --sandbox takes <webhook_type> <webhook_code>, e.g. ITEM LOGIN_REPAIRED',
    );
  }
  const rule = sandboxFireRule(words[0] ?? '', words[1] ?? '');
  if (!accessToken) throw new UsageError('--sandbox needs --access-token <token> of a sandbox Item');
  if (!env.PLAID_BASE_URL && env.PLAID_ENV && env.PLAID_ENV !== 'sandbox') {
    throw new UsageError(
      `/sandbox/item/fire_webhook exists only in Plaid's sandbox, not PLAID_ENV=${env.PLAID_ENV}`,
    );
  }
  const plaid = plaidBasePath(env, 'sandbox');
  const api = createPlaidApi(plaid.basePath, await plaidCredentials(env));
  const call = await withRetry(
    async () =>
      (
        await api.sandboxItemFireWebhook({
          access_token: accessToken,
          // IDENTITY is documented for DEFAULT_UPDATE though the SDK's enum lacks it.
          webhook_type: rule.type as WebhookType,
          webhook_code: rule.code as SandboxItemFireWebhookRequestWebhookCodeEnum,
        })
      ).data,
    plaidRetryDecision,
    { maxAttempts: 4, baseDelayMs: 1000, gate: createGate() },
  );
  const what = `${rule.type}.${rule.code} for ${maskAccessToken(accessToken)} (${plaid.label})`;
  if (call.ok) {
    out(`${what} → webhook_fired ${call.value.webhook_fired} (request_id ${call.value.request_id})`);
    return call.value.webhook_fired ? 0 : 1;
  }
  const e = plaidErrorOf(call.error);
  out(`${what} → ${e.status || 'no answer'} ${e.error_code} (${e.error_type}): ${e.error_message}`);
  if (e.error_code === 'SANDBOX_PRODUCT_NOT_ENABLED' && rule.product) {
    out(`${rule.code} needs an Item with the ${rule.product} product`);
  }
  return 1;
};
