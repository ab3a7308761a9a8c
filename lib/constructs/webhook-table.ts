import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TABLE_LAYOUT } from '../../lambdas/shared/table-layout.js';

/** Properties of a {@link WebhookTable}. */
export interface WebhookTableProps {
  /**
   * What happens to the table when it leaves the stack.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Refuse `DeleteTable` until the flag is turned off.
   * @default false
   */
  readonly deletionProtection?: boolean;
}

/**
 * The webhook store (docs/storage-layout.md): one item per received webhook, keyed by its dedupe
 * key, expiring through TTL. On-demand, point-in-time recovery, encrypted with the AWS managed key.
 * One sparse index, `exceptions`: only quarantined and failed records carry its key, so the happy
 * path writes no index entry. The layout comes from `lambdas/shared/table-layout.ts`, which the
 * adapters use too.
 *
 * The grant methods are narrower than `Table.grant*`: each names the exact actions a function
 * needs, on the table, never `index/*`.
 */
export class WebhookTable extends Construct {
  /** The table. */
  public readonly table: Table;

  public constructor(scope: Construct, id: string, props: WebhookTableProps = {}) {
    super(scope, id);
    const { partitionKey, ttlAttribute, exceptions } = TABLE_LAYOUT;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: ttlAttribute,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      deletionProtection: props.deletionProtection ?? false,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: exceptions.indexName,
      partitionKey: { name: exceptions.partitionKey, type: AttributeType.STRING },
      sortKey: { name: exceptions.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...exceptions.projected],
    });
  }

  /** The ingest function's writes: the conditional put of a new record and the duplicate counter. */
  public grantConditionalWrites(grantee: IGrantable): Grant {
    return this.grantOnTable(grantee, 'dynamodb:PutItem', 'dynamodb:UpdateItem');
  }

  /**
   * The router's access (docs/storage-layout.md): one `BatchGetItem` per batch (the state, and the
   * body when a message lacks it; consistent for a record not there yet), then, on
   * exceptions only, `PutItem` to adopt a message whose record is missing and `UpdateItem` to claim,
   * quarantine or fail a record.
   */
  public grantReadAndUpdate(grantee: IGrantable): Grant {
    return this.grantOnTable(grantee, 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
  }

  private grantOnTable(grantee: IGrantable, ...actions: string[]): Grant {
    return Grant.addToPrincipal({ grantee, actions, resourceArns: [this.table.tableArn] });
  }
}
