import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Properties of a {@link WebhookQueue}. */
export interface WebhookQueueProps {
  /**
   * Timeout of the function that consumes the queue. The visibility timeout is six times this plus
   * the batching window, as AWS advises for a Lambda event source: a batch that waits for a
   * throttled or retried invocation does not reappear while it is still being processed.
   */
  readonly consumerTimeout: Duration;
  /**
   * The event source's batching window: a message is invisible while the batch gathers, so the
   * visibility timeout covers it too (the Lambda guide's earlier wording: "six times your function
   * timeout, plus the value of MaximumBatchingWindowInSeconds"; research.md C).
   * @default Duration.seconds(0)
   */
  readonly batchingWindow?: Duration;
  /**
   * What happens to both queues when they leave the stack or the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Deliveries of a message before it moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long an unconsumed message stays in the queue.
   * @default Duration.days(4)
   */
  readonly retentionPeriod?: Duration;
  /**
   * How long a message stays in the dead-letter queue (the SQS maximum by default).
   * @default Duration.days(14)
   */
  readonly deadLetterRetentionPeriod?: Duration;
}

/** The factor between the consumer's timeout and the queue's visibility timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** The visibility timeout for a consumer's timeout and batching window, in seconds. */
export const visibilityTimeoutSeconds = (consumerTimeout: Duration, batchingWindow?: Duration): number =>
  consumerTimeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR + (batchingWindow?.toSeconds() ?? 0);

/**
 * The queue between ingest and router, with its dead-letter queue. Both are encrypted with
 * SQS-managed keys and refuse requests that are not over TLS.
 */
export class WebhookQueue extends Construct {
  /** The queue the ingest function sends to and the router consumes. */
  public readonly queue: Queue;
  /** Messages the router failed on `maxReceiveCount` times. */
  public readonly deadLetterQueue: Queue;
  /** Deliveries of a message before it moves to the dead-letter queue. */
  public readonly maxReceiveCount: number;

  public constructor(scope: Construct, id: string, props: WebhookQueueProps) {
    super(scope, id);
    this.maxReceiveCount = props.maxReceiveCount ?? 5;
    if (!Number.isInteger(this.maxReceiveCount) || this.maxReceiveCount < 1 || this.maxReceiveCount > 1000) {
      throw new Error(`maxReceiveCount must be an integer from 1 to 1000, got ${this.maxReceiveCount}`);
    }
    const visibilityTimeout = Duration.seconds(
      visibilityTimeoutSeconds(props.consumerTimeout, props.batchingWindow),
    );
    if (visibilityTimeout.toSeconds() > Duration.hours(12).toSeconds()) {
      throw new Error(
        `the consumer timeout ${props.consumerTimeout.toHumanString()} needs a visibility timeout over the SQS maximum of 12 hours`,
      );
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.deadLetterRetentionPeriod ?? Duration.days(14),
      // Stated explicitly (it is the SQS default) so the queue reads as a dead-letter queue (Guard
      // CT.SQS.PR.1). `byQueue` naming the main queue would make the two queues depend on each other.
      redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL },
      removalPolicy,
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout,
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: this.maxReceiveCount },
      removalPolicy,
    });
  }

  /** `SendMessage` only (`grantSendMessages` adds `GetQueueUrl` and `GetQueueAttributes`, never called). */
  public grantSend(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['sqs:SendMessage'],
      resourceArns: [this.queue.queueArn],
    });
  }

  /** What a Lambda event source mapping polls the queue with, on the function role's behalf. */
  public grantEventSourceMapping(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      resourceArns: [this.queue.queueArn],
    });
  }
}
