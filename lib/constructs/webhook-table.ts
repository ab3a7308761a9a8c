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
 * The webhook store: one item per received webhook, keyed by its dedupe key, expiring through TTL.
 * On-demand, point-in-time recovery, encrypted with the AWS managed key. Two indexes: the keys-only
 * `byProviderDay` for replay by provider and time, and the sparse `pending` index the reconciler
 * queries (with the few attributes it needs projected). The layout comes from `lambdas/shared/table-layout.ts`, which the adapters use too.
 *
 * The grant methods are narrower than `Table.grant*`: each names the exact actions a function
 * needs, on the table or on one index, never `index/*`.
 */
export class WebhookTable extends Construct {
  /** The table. */
  public readonly table: Table;

  public constructor(scope: Construct, id: string, props: WebhookTableProps = {}) {
    super(scope, id);
    const { partitionKey, ttlAttribute, byProviderDay, pending } = TABLE_LAYOUT;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: ttlAttribute,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      deletionProtection: props.deletionProtection ?? false,
    });
    const indexKeys = (index: { indexName: string; partitionKey: string; sortKey: string }) => ({
      indexName: index.indexName,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
    });
    this.table.addGlobalSecondaryIndex({
      ...indexKeys(byProviderDay),
      projectionType: ProjectionType.KEYS_ONLY,
    });
    // The reconciler builds its queue messages from the index alone.
    this.table.addGlobalSecondaryIndex({
      ...indexKeys(pending),
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...pending.projected],
    });
  }

  /** The ingest function's writes: the conditional put of a new record and the duplicate counter. */
  public grantConditionalWrites(grantee: IGrantable): Grant {
    return this.grantOnTable(grantee, 'dynamodb:PutItem', 'dynamodb:UpdateItem');
  }

  /**
   * The router's access (docs/storage-layout.md): one `BatchGetItem` per batch, `PutItem` to adopt a
   * message whose record is missing, `UpdateItem` for claims and failed marks.
   */
  public grantReadAndUpdate(grantee: IGrantable): Grant {
    return this.grantOnTable(grantee, 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
  }

  /** The reconciler's query of the sparse `pending` index, and nothing else. */
  public grantQueryPending(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: [`${this.table.tableArn}/index/${TABLE_LAYOUT.pending.indexName}`],
    });
  }

  private grantOnTable(grantee: IGrantable, ...actions: string[]): Grant {
    return Grant.addToPrincipal({ grantee, actions, resourceArns: [this.table.tableArn] });
  }
}
