import type { ProviderName } from '@webhook-pipeline/events/sources';
import type { SandboxItemFireWebhookRequestWebhookCodeEnum, WebhookType } from 'plaid';
import { UsageError } from '../cli-error.js';
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

/** The help lines of what the sandbox fires: `type code`, then the product the Item needs. */
export const SANDBOX_FIRE_HELP = SANDBOX_FIRE_RULES.map(
  (r) => `  ${`${r.type} ${r.code}`.padEnd(46)} ${r.product ?? 'any Item'}`,
).join('\n');

/** `fire --list --sandbox`: what the sandbox fires, the product each needs, and what it means. */
export const listSandboxFires = (out: (line: string) => void): void => {
  for (const r of SANDBOX_FIRE_RULES) {
    out(`plaid   ${`${r.type} ${r.code}`.padEnd(46)} ${(r.product ?? 'any Item').padEnd(38)} ${r.note}`);
  }
};

/** `fire plaid --sandbox`: Plaid's /sandbox/item/fire_webhook through the SDK; the exit status. */
export const fireSandbox = async (
  provider: ProviderName | undefined,
  words: readonly string[],
  accessToken: string | undefined,
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> => {
  if (provider !== 'plaid') {
    throw new UsageError("--sandbox is Plaid's /sandbox/item/fire_webhook: fire plaid --sandbox …");
  }
  const parts = words.flatMap((w) => w.split('.'));
  if (parts.length !== 2) {
    throw new UsageError(
      'fire plaid --sandbox takes <webhook_type> <webhook_code>, e.g. ITEM LOGIN_REPAIRED',
    );
  }
  const rule = sandboxFireRule(parts[0] ?? '', parts[1] ?? '');
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
