/**
 * `npm run smoke -- --stack <name> [--url <endpoint>]`: proves a deployed stack end to end with one
 * signed Argyle webhook and its event on the bus (scripts/smoke/run-smoke.ts). With `--stack`, the
 * webhook URL, bus and Argyle secret come from the stack's outputs; `--url`, `--bus` and `--secret`
 * override them (and run it against `npm run dev` with AWS_ENDPOINT_URL_* set).
 */
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { parseArgyleSecrets } from '../lambdas/shared/adapters/secret-values.js';
import { runSmoke } from './smoke/run-smoke.js';

const HELP = `npm run smoke -- --stack <stack name> [options]

Sends one signed Argyle webhook (accounts.connected) to the stack's endpoint and waits for its event
on the bus, through a temporary rule (webhook-smoke-<id>) and SQS queue that are removed at the end.
Prints each step with its time. Exit 0 when the event arrived, 1 otherwise, 2 on bad arguments.

  --stack <name>     read ArgyleWebhookUrl, EventBusName and ArgyleSecretArn from the stack outputs
  --url <url>        the endpoint: a base URL (…/ or a custom domain) or the full …/webhooks/argyle URL
  --bus <name>       the event bus (default: the stack's EventBusName)
  --secret <value>   an Argyle webhook secret (default: the first one in the stack's Argyle secret;
                     or ARGYLE_WEBHOOK_SECRET)
  --timeout <s>      seconds to wait for the event (default 60)
  --help             this text

Credentials and region come from the usual AWS chain (AWS_PROFILE, AWS_REGION, …). The caller needs
cloudformation:DescribeStacks, secretsmanager:GetSecretValue on the Argyle secret, events:PutRule,
PutTargets, RemoveTargets and DeleteRule on rule/<bus>/webhook-smoke-*, and sqs:CreateQueue,
GetQueueAttributes, ReceiveMessage and DeleteQueue on webhook-smoke-* (docs/deploy.md).`;

const main = async (argv: string[]): Promise<number> => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: 'string' },
        url: { type: 'string' },
        bus: { type: 'string' },
        secret: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    console.error(`smoke: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const timeout = Number(values.timeout ?? 60);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900) {
    console.error('smoke: --timeout must be a whole number of seconds from 1 to 900');
    return 2;
  }
  let url = values.url as string | undefined;
  let bus = values.bus as string | undefined;
  let secret = (values.secret as string | undefined) ?? process.env.ARGYLE_WEBHOOK_SECRET;
  if (values.stack) {
    const cfn = new CloudFormationClient({});
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: String(values.stack) }));
    const outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    url ??= outputs.ArgyleWebhookUrl;
    bus ??= outputs.EventBusName;
    if (!secret && outputs.ArgyleSecretArn) {
      const sm = new SecretsManagerClient({});
      const value = await sm.send(new GetSecretValueCommand({ SecretId: outputs.ArgyleSecretArn }));
      [secret] = parseArgyleSecrets(value.SecretString ?? '');
      if (!secret) {
        console.error(
          'smoke: the Argyle secret of the stack holds no secret yet (docs/deploy.md, Putting the secrets)',
        );
        return 1;
      }
    }
  }
  if (!url || !bus || !secret) {
    console.error(`smoke: give --stack, or --url, --bus and --secret\n\n${HELP}`);
    return 2;
  }
  const webhookUrl = /\/webhooks\/argyle\/?$/.test(url) ? url : `${url.replace(/\/+$/, '')}/webhooks/argyle`;
  const result = await runSmoke({
    webhookUrl,
    eventBusName: bus,
    argyleSecret: secret,
    timeoutSeconds: timeout,
    events: new EventBridgeClient({}),
    sqs: new SQSClient({}),
    log: (line) => console.log(line),
  });
  console.log(
    result.ok
      ? `smoke: ok, event ${result.eventLatencyMs} ms after the answer`
      : `smoke: FAILED: ${result.failure}`,
  );
  return result.ok ? 0 : 1;
};

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    console.error(`smoke: ${error.message}`);
    process.exitCode = 1;
  },
);
