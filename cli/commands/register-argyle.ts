import { Command } from '@commander-js/extra-typings';
import { actionOf, type CliContext } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import {
  argyleBaseUrl,
  argyleRetryDecision,
  checkArgyleEvents,
  createArgyleClient,
  ITEMS_EVENTS,
  MAX_ITEMS_PER_SUBSCRIPTION,
  planSubscriptions,
  type SubscriptionPlan,
} from '../ops/argyle.js';
import {
  type ArgyleSubscriptionResult,
  createSubscriptions,
  describeSubscription,
} from '../ops/argyle-create.js';
import { createGate, withRetry } from '../ops/concurrency.js';
import { argyleApiKey, argyleWebhookSecrets } from '../ops/credentials.js';
import { finishRun, maskSecret } from '../ops/report.js';
import { hasTarget, resolveTarget } from '../ops/target.js';
import { readValuesFile } from '../ops/values-file.js';
import { addArgyleApiHelp, addClosingHelp } from '../options/help-sections.js';
import { listArg } from '../options/parsers.js';
import { addApiRunOptions, addTargetOptions, type OptionsOf, urlOption } from '../options/shared-options.js';

const DESCRIPTION = `Creates the webhook subscriptions (POST /v2/webhooks) that deliver the events to the URL, signed
with the secret the pipeline verifies with. Items events (items.updated, items.removed) need
explicit Item ids, at most ${MAX_ITEMS_PER_SUBSCRIPTION} per subscription, so they are split into as many as needed.
Idempotent: existing subscriptions are listed first and only what is missing is created.`;

/** The command's options, declared once: commander parses, checks and documents them. */
const defineRegisterArgyle = () =>
  addClosingHelp(
    addArgyleApiHelp(
      addTargetOptions(
        addApiRunOptions(
          new Command('argyle')
            .summary('Create the Argyle webhook subscriptions for a URL (idempotent)')
            .description(DESCRIPTION)
            .addOption(urlOption('Webhook URL (default with --stack: its ArgyleWebhookUrl output)'))
            .option(
              '--events <list>',
              'Comma-separated Argyle events (repeatable), or * (every event but items.*)',
              listArg,
              [] as string[],
            )
            .option('--items <file>', 'Item ids for items.updated / items.removed, one a line')
            .option('--name <prefix>', 'Subscription name, and prefix of the Items ones', 'webhook-pipeline')
            .option(
              '--secret <secret>',
              "Secret for new subscriptions (default: the first of $ARGYLE_WEBHOOK_SECRETS, the stack's Argyle secret with --stack, the dev secret with --local)",
            )
            .option('--dry-run', 'Show what would be created; change nothing'),
          'register-argyle',
        ),
      ),
    ),
    {
      ok: 'when every subscription exists',
      failed: 'when any failed',
      examples: [
        'ARGYLE_ENV=production webhook-pipeline register argyle --stack WebhookPipeline-prod --events accounts.connected,paystubs.added',
        'ARGYLE_ENV=production webhook-pipeline register argyle --stack WebhookPipeline-prod --events items.updated --items items.txt',
      ],
    },
  );

type RegisterArgyleOptions = OptionsOf<typeof defineRegisterArgyle>;

/** Checks the combination of `--events`, `--items` and `--name`; the events, deduplicated. */
const checkRequest = (options: RegisterArgyleOptions): string[] => {
  const events = checkArgyleEvents(options.events);
  const wantsItems = events.some((e) => ITEMS_EVENTS.includes(e));
  if (wantsItems && !options.items) {
    throw new UsageError(
      `${ITEMS_EVENTS.join(' and ')} need --items <file> of Item ids (Argyle's * never includes them)`,
    );
  }
  if (options.items && !wantsItems) {
    throw new UsageError(`--items applies to ${ITEMS_EVENTS.join(' / ')}: add them to --events`);
  }
  if (!/^[\w.-]{1,100}$/.test(options.name))
    throw new UsageError('--name takes letters, digits, "." "_" "-"');
  if (!options.url && !options.stack)
    throw new UsageError('missing --url <webhook url> (or --stack to use its output)');
  return events;
};

/** The report lines of the subscriptions the plan keeps (reused) or leaves alone (ignored). */
const existingResults = (plan: SubscriptionPlan): ArgyleSubscriptionResult[] => [
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

/** `register argyle`; the exit status. */
const registerArgyle = async (options: RegisterArgyleOptions, { env, out }: CliContext): Promise<number> => {
  const started = new Date();
  const dryRun = options.dryRun === true;
  const events = checkRequest(options);
  const items = options.items ? await readValuesFile(options.items, '--items') : undefined;
  const baseUrl = argyleBaseUrl(env);

  const target = hasTarget(options) ? await resolveTarget(options, env) : undefined;
  try {
    const url = options.url ?? target?.argyleWebhookUrl;
    if (!url) throw new Error(`stack ${options.stack} has no ArgyleWebhookUrl output; pass --url`);
    const apiKey = await argyleApiKey(env, target?.region);
    const secrets = await argyleWebhookSecrets(options.secret, env, target);
    const client = createArgyleClient({ baseUrl, apiKey });
    const retry = { maxAttempts: options.maxAttempts, baseDelayMs: options.retryDelay, gate: createGate() };
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
      namePrefix: options.name,
    });
    out(
      `  ${listed.value.length} existing subscription(s); ${plan.alreadyCovered} of the asked deliveries already set up; ${plan.create.length} to create`,
    );
    for (const ignored of plan.ignored) {
      out(
        `  warning: subscription ${ignored.name} (${ignored.id}) at this URL is not counted: ${ignored.reason}`,
      );
    }

    const results = existingResults(plan);
    if (dryRun) {
      results.push(
        ...plan.create.map((body) => ({ ...describeSubscription(body), status: 'planned' as const })),
      );
    } else if (plan.create.length) {
      results.push(...(await createSubscriptions(client, plan.create, options.concurrency, retry)));
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
      ...(dryRun
        ? { planned: plan.create.length }
        : { created: results.filter((r) => r.status === 'created').length }),
      failed: failed.length,
    };
    return await finishRun(out, {
      command: 'register argyle',
      started,
      reportFile: options.report,
      target: { argyle: baseUrl, ...(target?.description ?? {}) },
      parameters: {
        url,
        events,
        itemsFile: options.items ?? null,
        name: options.name,
        secret: maskSecret(secrets.secret),
        secretSource: secrets.source,
        concurrency: options.concurrency,
        maxAttempts: options.maxAttempts,
        dryRun,
        apiKey: apiKey.source,
      },
      summary,
      items: results,
      title: dryRun ? 'Dry run: nothing was changed' : 'register argyle',
    });
  } finally {
    target?.close();
  }
};

/** `webhook-pipeline register argyle`. */
export const registerArgyleCommand = (ctx: CliContext) =>
  defineRegisterArgyle().action(actionOf(ctx, registerArgyle));
