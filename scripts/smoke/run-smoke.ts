import { randomUUID } from 'node:crypto';
import {
  DeleteRuleCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ARGYLE_CATALOG } from '@webhook-pipeline/events/argyle';
import { signArgyleBody } from '../../local/signing.js';

/** What {@link runSmoke} needs. */
export interface SmokeOptions {
  /** The Argyle webhook URL of the stack (`ArgyleWebhookUrl`). */
  readonly webhookUrl: string;
  /** The stack's event bus. */
  readonly eventBusName: string;
  /** One of the secrets in the stack's Argyle secret: the webhook is signed with it. */
  readonly argyleSecret: string;
  /** How long to wait for the event. */
  readonly timeoutSeconds: number;
  readonly events: EventBridgeClient;
  readonly sqs: SQSClient;
  /** Longest ReceiveMessage wait, seconds (20 in AWS). */
  readonly pollSeconds?: number;
  readonly log: (line: string) => void;
  readonly now?: () => number;
}

/** The outcome of a smoke run. */
export interface SmokeResult {
  readonly ok: boolean;
  readonly webhookId?: string;
  /** From the 2xx answer to the event's arrival in the queue. */
  readonly eventLatencyMs?: number;
  readonly failure?: string;
}

/** A failed step: the message is printed as the reason. */
export class SmokeStepError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'SmokeStepError';
  }
}

/**
 * Sends one signed Argyle webhook to a deployed (or local) pipeline and waits for its event on the
 * bus, through a temporary rule whose target is a temporary queue; removes both whatever happens.
 * Every step is printed with the time since the start and its duration.
 */
export const runSmoke = async (options: SmokeOptions): Promise<SmokeResult> => {
  const { events, sqs, log } = options;
  const now = options.now ?? Date.now;
  const started = now();
  const runId = randomUUID().slice(0, 8);
  const name = `webhook-smoke-${runId}`;
  const step = async <T>(
    label: string,
    action: () => Promise<T>,
    describe?: (value: T) => string,
  ): Promise<T> => {
    const at = now();
    try {
      const value = await action();
      const detail = describe ? `  ${describe(value)}` : '';
      log(`[${((at - started) / 1000).toFixed(3)} s] ${label}: ok (${now() - at} ms)${detail}`);
      return value;
    } catch (error) {
      log(
        `[${((at - started) / 1000).toFixed(3)} s] ${label}: FAILED (${now() - at} ms)  ${(error as Error).message}`,
      );
      throw error;
    }
  };
  const cleanup: { label: string; run: () => Promise<unknown> }[] = [];

  // A fresh account id: the rule matches this webhook's event and nothing else.
  const account = randomUUID();
  const sample = ARGYLE_CATALOG['accounts.connected'].sample as { data: Record<string, unknown> };
  const body = JSON.stringify({ ...sample, data: { ...sample.data, account } });
  const pattern = {
    source: ['webhooks.argyle'],
    'detail-type': ['accounts.connected'],
    detail: { data: { data: { account: [account] } } },
  };

  try {
    const { RuleArn } = await step(
      `PutRule ${name} on ${options.eventBusName}`,
      () =>
        events.send(
          new PutRuleCommand({
            Name: name,
            EventBusName: options.eventBusName,
            EventPattern: JSON.stringify(pattern),
            Description: 'Temporary rule of npm run smoke; deleted when it ends',
          }),
        ),
      (r) => r.RuleArn ?? '',
    );
    cleanup.unshift({
      label: `DeleteRule ${name}`,
      run: () => events.send(new DeleteRuleCommand({ Name: name, EventBusName: options.eventBusName })),
    });

    const { QueueUrl } = await step(
      `CreateQueue ${name} (policy: events.amazonaws.com from this rule only)`,
      () =>
        sqs.send(
          new CreateQueueCommand({
            QueueName: name,
            Attributes: {
              MessageRetentionPeriod: '600',
              SqsManagedSseEnabled: 'true',
              Policy: JSON.stringify({
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Principal: { Service: 'events.amazonaws.com' },
                    Action: 'sqs:SendMessage',
                    Resource: '*',
                    Condition: { ArnEquals: { 'aws:SourceArn': RuleArn } },
                  },
                ],
              }),
            },
          }),
        ),
    );
    if (!QueueUrl) throw new SmokeStepError('CreateQueue returned no queue URL');
    cleanup.push({ label: `DeleteQueue ${name}`, run: () => sqs.send(new DeleteQueueCommand({ QueueUrl })) });
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );

    await step('PutTargets (the queue)', async () => {
      const answer = await events.send(
        new PutTargetsCommand({
          Rule: name,
          EventBusName: options.eventBusName,
          Targets: [{ Id: 'smoke-queue', Arn: Attributes?.QueueArn }],
        }),
      );
      if (answer.FailedEntryCount) {
        throw new SmokeStepError(answer.FailedEntries?.map((f) => f.ErrorMessage).join('; ') ?? 'failed');
      }
      return answer;
    });
    cleanup.unshift({
      label: 'RemoveTargets',
      run: () =>
        events.send(
          new RemoveTargetsCommand({ Rule: name, EventBusName: options.eventBusName, Ids: ['smoke-queue'] }),
        ),
    });

    const answered = await step(
      `POST ${options.webhookUrl} (accounts.connected, account ${account})`,
      async () => {
        const response = await fetch(options.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-argyle-signature': signArgyleBody(body, options.argyleSecret),
          },
          body,
        });
        const text = await response.text();
        let parsed: { status?: string; webhookId?: string; error?: string } = {};
        try {
          parsed = JSON.parse(text);
        } catch {
          // Reported below with the raw text.
        }
        if (response.status !== 200 || parsed.status !== 'accepted' || !parsed.webhookId) {
          throw new SmokeStepError(`answered ${response.status} ${text.slice(0, 300)}`);
        }
        return { webhookId: parsed.webhookId, at: now() };
      },
      (a) => `200 accepted, webhookId ${a.webhookId}`,
    );

    const arrived = await step(
      `ReceiveMessage: waiting up to ${options.timeoutSeconds} s for the event`,
      async () => {
        const deadline = answered.at + options.timeoutSeconds * 1000;
        while (now() < deadline) {
          const wait = Math.max(1, Math.min(options.pollSeconds ?? 20, Math.ceil((deadline - now()) / 1000)));
          const { Messages } = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: wait, MaxNumberOfMessages: 10 }),
          );
          for (const message of Messages ?? []) {
            const event = JSON.parse(message.Body ?? '{}') as {
              'detail-type'?: string;
              detail?: { metadata?: { webhookId?: string } };
            };
            if (event.detail?.metadata?.webhookId === answered.webhookId) {
              return { at: now(), detailType: event['detail-type'] };
            }
          }
        }
        throw new SmokeStepError(
          `no event for webhook ${answered.webhookId} within ${options.timeoutSeconds} s`,
        );
      },
      (a) => `${a.detailType} event for ${answered.webhookId}, ${a.at - answered.at} ms after the answer`,
    );
    return { ok: true, webhookId: answered.webhookId, eventLatencyMs: arrived.at - answered.at };
  } catch (error) {
    return { ok: false, failure: (error as Error).message };
  } finally {
    for (const { label, run } of cleanup) {
      await step(label, run).catch(() => undefined);
    }
  }
};
