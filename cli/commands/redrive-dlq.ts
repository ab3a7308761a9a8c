import type { Message } from '@aws-sdk/client-sqs';
import { Command, Option } from '@commander-js/extra-typings';
import { escapeForSqs } from '../../lambdas/shared/queue-message.js';
import { type QueueMessage, QueueMessageSchema } from '../../lambdas/shared/queue-message-schema.js';
import { actionOf, type CliContext } from '../cli-context.js';
import { createRateLimiter } from '../ops/concurrency.js';
import { createProgress } from '../ops/progress.js';
import { deleteBatch, receiveBatch, releaseMessages, SQS_BATCH, sendBatch } from '../ops/queue.js';
import { finishRun } from '../ops/report.js';
import { resolveTarget } from '../ops/target.js';
import { addClosingHelp } from '../options/help-sections.js';
import { intArg } from '../options/parsers.js';
import { addTargetOptions, type OptionsOf, rateOption, reportOption } from '../options/shared-options.js';

/** One DLQ message's fate. */
interface RedriveItem {
  messageId: string;
  status: 'moved' | 'failed' | 'invalid' | 'planned';
  webhookId?: string;
  provider?: string;
  receivedAt?: string;
  replayed?: boolean;
  receiveCount?: number;
  reason?: string;
}

/** Two empty long polls in a row: the queue is drained (SQS may answer empty once while messages remain). */
const EMPTY_POLLS_TO_STOP = 2;

const DESCRIPTION = `Moves the messages of the router's dead-letter queue back to its queue: each message is received,
checked against the queue-message schema, sent to the queue marked requeued (replay messages are
sent unchanged), and deleted from the DLQ only once the send succeeded, so nothing is lost (a crash
in between leaves a copy in the DLQ). The router claims a requeued message's record before it
publishes (status 'published' only if it is not yet), so a webhook is published once. Messages
that are not valid queue messages stay in the DLQ and are listed. The router then publishes them
as usual; a cause still present sends them back to the DLQ after maxReceiveCount.`;

/** The command's options, declared once: commander parses, checks and documents them. */
const defineRedriveDlq = () =>
  addClosingHelp(
    addTargetOptions(
      new Command('redrive-dlq')
        .summary("Move the dead-letter queue's messages back to the queue")
        .description(DESCRIPTION)
        .addOption(
          new Option('--max <n>', 'Move at most n messages (default: until the DLQ is empty)').argParser(
            intArg('--max'),
          ),
        )
        .option('--dry-run', 'Read and list the messages, move nothing (they become visible again)')
        .addOption(rateOption())
        .addOption(
          new Option('--visibility-timeout <s>', 'How long a message read is hidden from others')
            .argParser(intArg('--visibility-timeout', { min: 30, max: 43_200 }))
            .default(300),
        )
        .addOption(reportOption('redrive-dlq')),
    ),
    { ok: 'when every message read was moved (or listed)', failed: 'when any failed or was not valid' },
  );

type RedriveOptions = OptionsOf<typeof defineRedriveDlq>;

/** Moves the DLQ back; the exit status. */
const redrive = async (options: RedriveOptions, { env, out }: CliContext): Promise<number> => {
  const started = new Date();
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  const { rate } = options;
  const dryRun = options.dryRun === true;
  const visibility = options.visibilityTimeout;
  const target = await resolveTarget(options, env);
  const held: Message[] = [];
  try {
    out(`${dryRun ? 'Reading' : 'Moving'} ${target.deadLetterQueueUrl} → ${target.queueUrl}`);
    const limiter = createRateLimiter(rate);
    const progress = createProgress({ label: dryRun ? 'dlq read' : 'redrive' });
    const items: RedriveItem[] = [];
    const seen = new Set<string>();
    let emptyPolls = 0;
    while (items.length < max && emptyPolls < EMPTY_POLLS_TO_STOP) {
      const batch = (
        await receiveBatch(
          target.sqs,
          target.deadLetterQueueUrl,
          Math.min(SQS_BATCH, max - items.length),
          visibility,
          1,
        )
      ).filter((m) => m.MessageId && !seen.has(m.MessageId));
      if (batch.length === 0) {
        emptyPolls += 1;
        continue;
      }
      emptyPolls = 0;
      const valid: { message: Message; item: RedriveItem; body: string }[] = [];
      for (const message of batch) {
        seen.add(message.MessageId as string);
        const item: RedriveItem = {
          messageId: message.MessageId as string,
          status: 'planned',
          receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0) || undefined,
        };
        items.push(item);
        let parsed: ReturnType<typeof QueueMessageSchema.safeParse> | undefined;
        try {
          parsed = QueueMessageSchema.safeParse(JSON.parse(message.Body ?? ''));
        } catch {
          parsed = undefined;
        }
        if (!parsed?.success) {
          Object.assign(item, {
            status: 'invalid',
            reason: parsed ? `not a queue message: ${parsed.error.issues[0]?.message}` : 'not JSON',
          });
          held.push(message);
          progress.tick('failed');
          continue;
        }
        Object.assign(item, {
          webhookId: parsed.data.webhookId,
          provider: parsed.data.provider,
          receivedAt: parsed.data.receivedAt,
          ...(parsed.data.replayed ? { replayed: true } : {}),
        });
        if (dryRun) {
          held.push(message);
          progress.tick('ok');
        } else {
          const data = parsed.data;
          const body = data.replayed
            ? (message.Body ?? '')
            : escapeForSqs(JSON.stringify({ ...data, requeued: true } satisfies QueueMessage));
          valid.push({ message, item, body });
        }
      }
      if (valid.length === 0) continue;
      await limiter.take(valid.length);
      // The raw body goes back unchanged; the message is marked requeued so that the router claims
      // the record (its status may be 'failed' by now) before it publishes. Replays stay replays.
      const sent = await sendBatch(
        target.sqs,
        target.queueUrl,
        valid.map((v) => v.body),
      );
      const toDelete = valid.filter((_, i) => sent[i]?.ok);
      valid.forEach(({ message, item }, i) => {
        const outcome = sent[i];
        if (outcome && !outcome.ok) {
          Object.assign(item, { status: 'failed', reason: `not sent: ${outcome.error}` });
          held.push(message);
          progress.tick('failed');
        }
      });
      const notDeleted = await deleteBatch(
        target.sqs,
        target.deadLetterQueueUrl,
        toDelete.map((v) => v.message),
      );
      for (const { message, item } of toDelete) {
        const problem = notDeleted.get(message.MessageId ?? '');
        if (problem) {
          // Sent but still in the DLQ: a later redrive sends it again; the router publishes a webhookId once.
          Object.assign(item, { status: 'failed', reason: `sent, but not deleted from the DLQ: ${problem}` });
          progress.tick('failed');
        } else {
          item.status = 'moved';
          progress.tick('ok');
        }
      }
    }
    progress.done();

    const count = (status: RedriveItem['status']) => items.filter((i) => i.status === status).length;
    const summary: Record<string, number> = {
      read: items.length,
      ...(dryRun ? { valid: count('planned') } : { moved: count('moved') }),
      invalid: count('invalid'),
      failed: count('failed') + count('invalid'),
    };
    for (const item of items.filter((i) => i.status === 'failed' || i.status === 'invalid').slice(0, 20)) {
      out(`  ${item.messageId}: ${item.reason}`);
    }
    return await finishRun(out, {
      command: 'redrive-dlq',
      started,
      reportFile: options.report,
      target: { ...target.description, deadLetterQueue: target.deadLetterQueueUrl, queue: target.queueUrl },
      parameters: {
        max: options.max ?? null,
        rate,
        visibilityTimeout: visibility,
        dryRun: dryRun,
      },
      summary,
      items,
      title: dryRun ? 'Dry run: nothing was moved' : 'redrive-dlq',
    });
  } finally {
    // What was read but not moved becomes visible again now rather than after the visibility timeout.
    await releaseMessages(target.sqs, target.deadLetterQueueUrl, held);
    target.close();
  }
};

/** `webhook-pipeline redrive-dlq`. */
export const redriveDlqCommand = (ctx: CliContext) => defineRedriveDlq().action(actionOf(ctx, redrive));
