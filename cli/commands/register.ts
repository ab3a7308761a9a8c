import { parseArgs } from 'node:util';
import type { ItemWebhookUpdateResponse } from 'plaid';
import { UsageError } from '../cli-error.js';
import {
  COMMON_OPTIONS,
  commonHelp,
  intOption,
  listOption,
  TARGET_HELP,
  TARGET_OPTIONS,
  urlOption,
} from '../ops/args.js';
import {
  ArgyleApiError,
  type ArgyleSubscription,
  argyleBaseUrl,
  argyleRetryDecision,
  type CreateSubscriptionBody,
  checkArgyleEvents,
  createArgyleClient,
  ITEMS_EVENTS,
  MAX_ITEMS_PER_SUBSCRIPTION,
  planSubscriptions,
  sameSubscription,
} from '../ops/argyle.js';
import { createGate, mapPool, sleep, withRetry } from '../ops/concurrency.js';
import { argyleApiKey, argyleWebhookSecrets, plaidCredentials } from '../ops/credentials.js';
import {
  createPlaidApi,
  type PlaidCallError,
  plaidBasePath,
  plaidErrorOf,
  plaidRetryDecision,
} from '../ops/plaid.js';
import { createProgress } from '../ops/progress.js';
import {
  buildReport,
  defaultReportPath,
  maskAccessToken,
  maskSecret,
  printSummary,
  writeReport,
} from '../ops/report.js';
import { hasTarget, type PipelineTarget, resolveTarget, type TargetFlags } from '../ops/target.js';
import { readValuesFile } from '../ops/values-file.js';

export const REGISTER_HELP = `Usage:
  webhook-pipeline register plaid --url <webhook url> --access-tokens <file> [options]
  webhook-pipeline register argyle --url <webhook url> --events <list> [--items <file>] [options]

plaid: points each Item at the pipeline with Plaid's /item/webhook/update (official SDK), a few
calls at a time, backing off on rate limits (429 RATE_LIMIT_EXCEEDED) and Plaid-side errors (5xx).
Each Item's result (item_id, or Plaid's error_code) is in the report. With --wait, it then waits
until the WEBHOOK_UPDATE_ACKNOWLEDGED of every updated Item is in the pipeline's table and names
those still missing.

argyle: creates the webhook subscriptions (POST /v2/webhooks) that deliver the events to the URL,
signed with the secret the pipeline verifies with. Items events (items.updated, items.removed)
need explicit Item ids, at most ${MAX_ITEMS_PER_SUBSCRIPTION} per subscription, so they are split into as many as needed.
Idempotent: existing subscriptions are listed first and only what is missing is created.

Options (plaid):
  --url <url>             Webhook URL to register (default with --stack: its PlaidWebhookUrl output)
  --access-tokens <file>  Access tokens, one a line; blank lines and # comments ignored
  --wait                  Then wait for each Item's WEBHOOK_UPDATE_ACKNOWLEDGED in the table
                          (needs --local or --stack)
  --wait-timeout <s>      How long to wait for them (default 300)

Options (argyle):
  --url <url>             Webhook URL (default with --stack: its ArgyleWebhookUrl output)
  --events <list>         Comma-separated Argyle events, or * (every event but items.*)
  --items <file>          Item ids for items.updated / items.removed, one a line
  --name <prefix>         Subscription name, and prefix of the Items ones (default webhook-pipeline)
  --secret <secret>       Secret for new subscriptions (default: the first of $ARGYLE_WEBHOOK_SECRETS,
                          the stack's Argyle secret with --stack, the dev secret with --local)

Options (both):
  --dry-run               Show what would be done; change nothing
  --max-attempts <n>      Attempts per call on rate limits and 5xx (default 6)
  --retry-delay <ms>      First backoff delay, doubled each retry (default 1000)
${TARGET_HELP}
${commonHelp('register-<provider>', 4)}

Environment:
  PLAID_ENV (sandbox|production) or PLAID_BASE_URL; PLAID_CLIENT_ID + PLAID_SECRET, or
  PLAID_SECRET_ARN, or the stack's Plaid secret with --stack
  ARGYLE_ENV (sandbox|production) or ARGYLE_BASE_URL; ARGYLE_API_KEY_ID + ARGYLE_API_KEY_SECRET,
  or ARGYLE_API_KEY_ARN

Exit status: 0 when everything was registered (and acknowledged with --wait), 1 when anything
failed, 2 on a usage error.`;

/** Options of `register plaid|argyle`, shared with `reconcile plaid`. */
export const SHARED_OPTIONS = {
  url: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  'max-attempts': { type: 'string' },
  'retry-delay': { type: 'string' },
  ...TARGET_OPTIONS,
  ...COMMON_OPTIONS,
} as const;

/** The target flags of parsed options. */
export const targetFlags = (values: {
  local: boolean;
  stack?: string | undefined;
  region?: string | undefined;
  'local-dir'?: string | undefined;
}): TargetFlags => ({
  local: values.local,
  stack: values.stack,
  region: values.region,
  localDir: values['local-dir'],
});

/** The WEBHOOK_UPDATE_ACKNOWLEDGED of an Item, as found in the table. */
interface Acknowledgement {
  readonly webhookId: string;
  readonly receivedAt: string;
  readonly status: string;
  readonly error?: unknown;
}

/** One access token's result. */
interface PlaidItemResult {
  line: number;
  accessToken: string;
  status: 'updated' | 'failed' | 'planned';
  attempts: number;
  itemId?: string;
  webhook?: string;
  requestId?: string;
  error?: Omit<PlaidCallError, 'retryAfterMs'>;
  acknowledged?: boolean;
  acknowledgement?: Acknowledgement;
}

const ACK_DETAIL_TYPE = 'ITEM.WEBHOOK_UPDATE_ACKNOWLEDGED';

/** Polls the table until every updated Item's acknowledgement is there, or the time is up. */
const waitForAcknowledgements = async (
  target: PipelineTarget,
  url: string,
  results: PlaidItemResult[],
  since: string,
  timeoutMs: number,
): Promise<void> => {
  const waiting = new Map<string, PlaidItemResult[]>();
  for (const r of results) {
    if (r.status === 'updated' && r.itemId) waiting.set(r.itemId, [...(waiting.get(r.itemId) ?? []), r]);
  }
  const progress = createProgress({ label: 'acknowledgements', total: waiting.size });
  const deadline = Date.now() + timeoutMs;
  const seen = new Set<string>();
  // No index is written per webhook (docs/storage-layout.md): each poll is a Scan filtered on the
  // acknowledgement's detail-type and the time since the update, every 1 s at first, then less often.
  let pause = 1000;
  while (waiting.size > 0) {
    await target.store.scan(
      {
        providers: ['plaid'],
        detailType: { exact: ACK_DETAIL_TYPE },
        from: since,
        withBody: true,
      },
      { segments: 4 },
      async (page) => {
        for (const record of page.records) {
          if (seen.has(record.webhookId)) continue;
          seen.add(record.webhookId);
          let body: { item_id?: unknown; new_webhook_url?: unknown; error?: unknown };
          try {
            body = JSON.parse(record.rawBody ?? '{}') as typeof body;
          } catch {
            continue;
          }
          const owners = typeof body.item_id === 'string' ? waiting.get(body.item_id) : undefined;
          if (!owners || body.new_webhook_url !== url) continue;
          waiting.delete(body.item_id as string);
          const acknowledgement: Acknowledgement = {
            webhookId: record.webhookId,
            receivedAt: record.receivedAt,
            status: record.status,
            ...(body.error ? { error: body.error } : {}),
          };
          for (const owner of owners) {
            owner.acknowledged = !body.error;
            owner.acknowledgement = acknowledgement;
          }
          progress.tick(body.error ? 'failed' : 'ok');
        }
      },
    );
    if (waiting.size === 0 || Date.now() >= deadline) break;
    await sleep(Math.min(pause, Math.max(0, deadline - Date.now())));
    pause = Math.min(pause * 2, 15_000);
  }
  for (const owners of waiting.values()) {
    for (const owner of owners) owner.acknowledged = false;
    progress.tick('failed');
  }
  progress.done();
};

const registerPlaid = async (argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void) => {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...SHARED_OPTIONS,
      'access-tokens': { type: 'string' },
      wait: { type: 'boolean', default: false },
      'wait-timeout': { type: 'string' },
    },
  });
  if (values.help) {
    out(REGISTER_HELP);
    return 0;
  }
  const started = new Date();
  if (!values['access-tokens'])
    throw new UsageError('missing --access-tokens <file> (one access token a line)');
  const concurrency = intOption('--concurrency', values.concurrency, 4, { max: 50 });
  const maxAttempts = intOption('--max-attempts', values['max-attempts'], 6, { max: 20 });
  const retryDelay = intOption('--retry-delay', values['retry-delay'], 1000, { min: 0, max: 600_000 });
  const waitTimeout = intOption('--wait-timeout', values['wait-timeout'], 300, { max: 86_400 });
  const flags = targetFlags(values);
  if (values.wait && !hasTarget(flags)) {
    throw new UsageError("--wait reads the pipeline's table: add --local or --stack <name>");
  }
  if (!values.url && !flags.stack)
    throw new UsageError('missing --url <webhook url> (or --stack to use its output)');
  if (values.url) urlOption('--url', values.url);
  const tokens = await readValuesFile(values['access-tokens'], '--access-tokens');
  const plaid = plaidBasePath(env);

  const target = hasTarget(flags) ? await resolveTarget(flags, env) : undefined;
  try {
    const url = values.url ?? target?.plaidWebhookUrl;
    if (!url) throw new Error(`stack ${flags.stack} has no PlaidWebhookUrl output; pass --url`);
    const credentials = await plaidCredentials(env, target);
    out(`Registering ${url} for ${tokens.values.length} Item(s) with ${plaid.label}`);
    if (tokens.duplicates.length) out(`  ${tokens.duplicates.length} repeated access token(s) skipped`);

    let results: PlaidItemResult[];
    if (values['dry-run']) {
      results = tokens.values.map((t) => ({
        line: t.line,
        accessToken: maskAccessToken(t.value),
        status: 'planned',
        attempts: 0,
      }));
    } else {
      const api = createPlaidApi(plaid.basePath, credentials);
      const gate = createGate();
      const progress = createProgress({ label: 'item/webhook/update', total: tokens.values.length });
      results = await mapPool(tokens.values, concurrency, async (token): Promise<PlaidItemResult> => {
        const call = await withRetry(
          async () => (await api.itemWebhookUpdate({ access_token: token.value, webhook: url })).data,
          plaidRetryDecision,
          { maxAttempts, baseDelayMs: retryDelay, gate },
        );
        const base = { line: token.line, accessToken: maskAccessToken(token.value), attempts: call.attempts };
        if (call.ok) {
          progress.tick('ok');
          const data: ItemWebhookUpdateResponse = call.value;
          return {
            ...base,
            status: 'updated',
            itemId: data.item?.item_id,
            ...(data.item?.webhook ? { webhook: data.item.webhook } : {}),
            requestId: data.request_id,
          };
        }
        progress.tick('failed');
        const { retryAfterMs: _ignored, ...error } = plaidErrorOf(call.error);
        return { ...base, status: 'failed', error };
      });
      progress.done();
      if (values.wait && target) {
        out(`Waiting up to ${waitTimeout} s for WEBHOOK_UPDATE_ACKNOWLEDGED in ${target.description.target}`);
        // A minute of slack for clock differences between this machine and the pipeline.
        await waitForAcknowledgements(
          target,
          url,
          results,
          new Date(started.getTime() - 60_000).toISOString(),
          waitTimeout * 1000,
        );
      }
    }

    const updated = results.filter((r) => r.status === 'updated').length;
    const updateFailed = results.filter((r) => r.status === 'failed').length;
    const summary: Record<string, number> = {
      tokens: tokens.values.length,
      duplicatesSkipped: tokens.duplicates.length,
      ...(values['dry-run'] ? { planned: results.length } : { updated, updateFailed }),
    };
    if (values.wait && !values['dry-run']) {
      summary.acknowledged = results.filter((r) => r.acknowledged === true).length;
      summary.notAcknowledged = results.filter((r) => r.acknowledged === false).length;
    }
    summary.failed = updateFailed + (summary.notAcknowledged ?? 0);

    for (const r of results.filter((x) => x.status === 'failed')) {
      out(
        `  line ${r.line} ${r.accessToken}: ${r.error?.error_code} (${r.error?.error_type}) ${r.error?.error_message}`,
      );
    }
    for (const r of results.filter((x) => x.acknowledged === false)) {
      out(
        `  line ${r.line} item ${r.itemId}: ${r.acknowledgement?.error ? 'acknowledged with an error' : 'no WEBHOOK_UPDATE_ACKNOWLEDGED yet'}`,
      );
    }
    const file = await writeReport(
      values.report ?? defaultReportPath('register-plaid', started),
      buildReport({
        command: 'register plaid',
        started,
        finished: new Date(),
        target: { plaid: plaid.label, ...(target?.description ?? {}) },
        parameters: {
          url,
          accessTokensFile: values['access-tokens'],
          concurrency,
          maxAttempts,
          wait: values.wait,
          dryRun: values['dry-run'],
          credentials: credentials.source,
        },
        summary,
        items: results,
      }),
    );
    printSummary(out, values['dry-run'] ? 'Dry run: nothing was changed' : 'register plaid', summary, file);
    return summary.failed ? 1 : 0;
  } finally {
    target?.close();
  }
};

/** One subscription's result. */
interface ArgyleSubscriptionResult {
  name: string;
  status: 'created' | 'exists' | 'ignored' | 'failed' | 'planned';
  events: readonly string[];
  items?: readonly string[];
  id?: string;
  attempts?: number;
  /** A create that failed without an answer but was found in the listing afterwards. */
  recovered?: boolean;
  reason?: string;
  error?: { status: number; detail: string };
}

const registerArgyle = async (argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void) => {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...SHARED_OPTIONS,
      events: { type: 'string', multiple: true },
      items: { type: 'string' },
      name: { type: 'string', default: 'webhook-pipeline' },
      secret: { type: 'string' },
    },
  });
  if (values.help) {
    out(REGISTER_HELP);
    return 0;
  }
  const started = new Date();
  const events = checkArgyleEvents(listOption(values.events));
  const wantsItems = events.some((e) => ITEMS_EVENTS.includes(e));
  if (wantsItems && !values.items) {
    throw new UsageError(
      `${ITEMS_EVENTS.join(' and ')} need --items <file> of Item ids (Argyle's * never includes them)`,
    );
  }
  if (values.items && !wantsItems) {
    throw new UsageError(`--items applies to ${ITEMS_EVENTS.join(' / ')}: add them to --events`);
  }
  if (!/^[\w.-]{1,100}$/.test(values.name)) throw new UsageError('--name takes letters, digits, "." "_" "-"');
  const concurrency = intOption('--concurrency', values.concurrency, 4, { max: 50 });
  const maxAttempts = intOption('--max-attempts', values['max-attempts'], 6, { max: 20 });
  const retryDelay = intOption('--retry-delay', values['retry-delay'], 1000, { min: 0, max: 600_000 });
  const flags = targetFlags(values);
  if (!values.url && !flags.stack)
    throw new UsageError('missing --url <webhook url> (or --stack to use its output)');
  if (values.url) urlOption('--url', values.url);
  const items = values.items ? await readValuesFile(values.items, '--items') : undefined;
  const baseUrl = argyleBaseUrl(env);

  const target = hasTarget(flags) ? await resolveTarget(flags, env) : undefined;
  try {
    const url = values.url ?? target?.argyleWebhookUrl;
    if (!url) throw new Error(`stack ${flags.stack} has no ArgyleWebhookUrl output; pass --url`);
    const apiKey = await argyleApiKey(env, target?.region);
    const secrets = await argyleWebhookSecrets(values.secret, env, target);
    const client = createArgyleClient({ baseUrl, apiKey });
    const gate = createGate();
    const retry = { maxAttempts, baseDelayMs: retryDelay, gate };
    out(`Subscribing ${url} to ${events.join(', ')} with Argyle at ${baseUrl}`);
    out(`  secret ${maskSecret(secrets.secret)} (${secrets.source})`);
    if (items?.duplicates.length) out(`  ${items.duplicates.length} repeated Item id(s) skipped`);

    const listed = await withRetry(() => client.list(), argyleRetryDecision, retry);
    if (!listed.ok)
      throw new Error(`cannot list the existing subscriptions: ${(listed.error as Error).message}`);
    const plan = planSubscriptions({
      existing: listed.value,
      url,
      events,
      items: items?.values.map((v) => v.value) ?? [],
      secret: secrets.secret,
      accepted: secrets.accepted,
      namePrefix: values.name,
    });
    out(
      `  ${listed.value.length} existing subscription(s); ${plan.alreadyCovered} of the asked deliveries already set up; ${plan.create.length} to create`,
    );
    for (const ignored of plan.ignored) {
      out(
        `  warning: subscription ${ignored.name} (${ignored.id}) at this URL is not counted: ${ignored.reason}`,
      );
    }

    const results: ArgyleSubscriptionResult[] = [
      ...plan.reused.map((s) => ({
        name: s.name,
        status: 'exists' as const,
        events: s.events,
        id: s.id,
        ...(s.items ? { reason: `${s.items} Item id(s)` } : {}),
      })),
      ...plan.ignored.map((s) => ({
        name: s.name,
        status: 'ignored' as const,
        events: [],
        id: s.id,
        reason: s.reason,
      })),
    ];
    const describe = (body: CreateSubscriptionBody) => ({
      name: body.name,
      events: body.events,
      ...(body.config ? { items: body.config.items } : {}),
    });
    if (values['dry-run']) {
      results.push(...plan.create.map((body) => ({ ...describe(body), status: 'planned' as const })));
    } else if (plan.create.length) {
      const progress = createProgress({ label: 'POST /v2/webhooks', total: plan.create.length });
      const created = await mapPool(
        plan.create,
        concurrency,
        async (body): Promise<ArgyleSubscriptionResult> => {
          // After a 5xx or no answer the create may have happened: look before creating again.
          let uncertain = false;
          const call = await withRetry(
            async (): Promise<{ subscription: ArgyleSubscription; recovered: boolean }> => {
              if (uncertain) {
                const found = (await client.list()).find((s) => sameSubscription(s, body));
                if (found) return { subscription: found, recovered: true };
              }
              try {
                return { subscription: await client.create(body), recovered: false };
              } catch (error) {
                uncertain = error instanceof ArgyleApiError && (error.status >= 500 || error.status === 0);
                throw error;
              }
            },
            argyleRetryDecision,
            retry,
          );
          if (call.ok) {
            progress.tick('ok');
            return {
              ...describe(body),
              status: 'created',
              id: call.value.subscription.id,
              attempts: call.attempts,
              ...(call.value.recovered ? { recovered: true } : {}),
            };
          }
          progress.tick('failed');
          const e = call.error;
          return {
            ...describe(body),
            status: 'failed',
            attempts: call.attempts,
            error:
              e instanceof ArgyleApiError
                ? { status: e.status, detail: e.detail }
                : { status: 0, detail: (e as Error).message },
          };
        },
      );
      progress.done();
      results.push(...created);
    }

    const failed = results.filter((r) => r.status === 'failed');
    for (const r of failed)
      out(`  ${r.name}: failed (${r.error?.status ? `HTTP ${r.error.status}: ` : ''}${r.error?.detail})`);
    const summary: Record<string, number> = {
      events: events.length,
      items: items?.values.length ?? 0,
      alreadyCovered: plan.alreadyCovered,
      existingReused: plan.reused.length,
      ignored: plan.ignored.length,
      ...(values['dry-run']
        ? { planned: plan.create.length }
        : { created: results.filter((r) => r.status === 'created').length }),
      failed: failed.length,
    };
    const file = await writeReport(
      values.report ?? defaultReportPath('register-argyle', started),
      buildReport({
        command: 'register argyle',
        started,
        finished: new Date(),
        target: { argyle: baseUrl, ...(target?.description ?? {}) },
        parameters: {
          url,
          events,
          itemsFile: values.items ?? null,
          name: values.name,
          secret: maskSecret(secrets.secret),
          secretSource: secrets.source,
          concurrency,
          maxAttempts,
          dryRun: values['dry-run'],
          apiKey: apiKey.source,
        },
        summary,
        items: results,
      }),
    );
    printSummary(out, values['dry-run'] ? 'Dry run: nothing was changed' : 'register argyle', summary, file);
    return failed.length ? 1 : 0;
  } finally {
    target?.close();
  }
};

/** `webhook-pipeline register <plaid|argyle>`. */
export const register = async (
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> => {
  const [provider, ...rest] = argv;
  if (provider === '--help' || provider === '-h') {
    out(REGISTER_HELP);
    return 0;
  }
  if (provider === 'plaid') return registerPlaid(rest, env, out);
  if (provider === 'argyle') return registerArgyle(rest, env, out);
  throw new UsageError(
    provider ? `unknown provider "${provider}": use plaid or argyle` : 'missing provider: plaid or argyle',
  );
};
