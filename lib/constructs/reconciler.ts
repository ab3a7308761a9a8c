import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ServiceName } from '../pipeline-metrics.js';
import { PipelineFunction, type PipelineFunctionDefaults } from './pipeline-function.js';
import type { WebhookTable } from './webhook-table.js';

/** Properties of a {@link Reconciler}. */
export interface ReconcilerProps {
  /** Absolute path of the reconciler handler module. */
  readonly entry: string;
  /** Settings shared by every pipeline function. */
  readonly functionDefaults: PipelineFunctionDefaults;
  /** The webhook table; the reconciler queries its `pending` index. */
  readonly table: WebhookTable;
  /** The queue the reconciler sends forgotten webhooks to again. */
  readonly queue: IQueue;
  /**
   * How often the reconciler runs.
   * @default Duration.minutes(5)
   */
  readonly schedule?: Duration;
  /**
   * A record still `received` this long after it arrived is enqueued again.
   * @default Duration.minutes(5)
   */
  readonly reconcileAfter?: Duration;
  /**
   * Records re-enqueued per run at most.
   * @default 1000
   */
  readonly maxRecords?: number;
}

/**
 * The scheduled reconciler of the no-loss guarantee (design section 4): every few minutes it finds
 * the webhooks stored but still `received` after a grace period (a crash between the write and the
 * send, or a provider that gave up on a 503) and puts them on the queue again. It may read the
 * `pending` index and send to the queue, nothing more.
 */
export class Reconciler extends Construct {
  /** The reconciler function. */
  public readonly function: PipelineFunction;
  /** The schedule. */
  public readonly rule: Rule;

  public constructor(scope: Construct, id: string, props: ReconcilerProps) {
    super(scope, id);
    const schedule = props.schedule ?? Duration.minutes(5);
    const reconcileAfter = props.reconcileAfter ?? Duration.minutes(5);
    const timeout = Duration.minutes(2);
    if (schedule.toSeconds() < timeout.toSeconds()) {
      throw new Error(`the reconcile schedule must be at least ${timeout.toHumanString()}`);
    }

    this.function = new PipelineFunction(this, 'Reconciler', {
      ...props.functionDefaults,
      entry: props.entry,
      serviceName: ServiceName.Reconciler,
      description: 'Re-enqueues webhooks stored but not published (no-loss guarantee)',
      timeout,
      memorySize: 256,
      environment: {
        TABLE_NAME: props.table.table.tableName,
        QUEUE_URL: props.queue.queueUrl,
        RECONCILE_AFTER_SECONDS: String(reconcileAfter.toSeconds()),
        RECONCILE_MAX_RECORDS: String(props.maxRecords ?? 1000),
      },
    });
    props.table.grantQueryPending(this.function.function);
    props.queue.grantSendMessages(this.function.function);

    this.rule = new Rule(this, 'Schedule', {
      description: 'Runs the webhook reconciler',
      schedule: Schedule.rate(schedule),
      targets: [
        new LambdaFunction(this.function.function, {
          // The next run covers a failed one; no point in retrying a stale invocation.
          retryAttempts: 0,
          maxEventAge: Duration.minutes(2),
        }),
      ],
    });
  }
}
