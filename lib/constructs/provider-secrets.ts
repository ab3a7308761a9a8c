import { RemovalPolicy, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import { Grant, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** Properties of {@link ProviderSecrets}. */
export interface ProviderSecretsProps {
  /**
   * Complete ARN (with its six-character suffix) of an existing secret holding the Plaid API
   * credentials as `{"client_id": "…", "secret": "…"}`.
   * @default - a new secret is created, holding a placeholder until an operator puts the value
   */
  readonly plaidSecretArn?: string;
  /**
   * Complete ARN of an existing secret holding the Argyle webhook secrets: a JSON array of strings,
   * `{"secrets": […]}` or a comma-separated list.
   * @default - a new secret is created, holding an empty list until an operator puts the value
   */
  readonly argyleSecretArn?: string;
  /**
   * Customer managed KMS key (ARN) that encrypts the imported secrets. Reading such a secret needs
   * `kms:Decrypt` on the key; the grant is limited to calls made through Secrets Manager.
   * @default - the AWS managed key `aws/secretsmanager`, which needs no grant
   */
  readonly secretsKmsKeyArn?: string;
  /**
   * What happens to created secrets when they leave the stack (imported secrets are never touched).
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The provider secrets: Plaid API credentials (to fetch Plaid's webhook verification keys) and the
 * Argyle webhook secrets. Each is imported by ARN or created here. A created secret starts with a
 * value the ingest function reads as "not configured": webhooks of either provider are answered 503
 * (the provider retries, nothing is lost) until the real value is put. Only the ARNs reach the functions.
 */
export class ProviderSecrets extends Construct {
  /** The Plaid API credentials. */
  public readonly plaid: ISecret;
  /** The Argyle webhook secrets. */
  public readonly argyle: ISecret;
  private readonly kmsKeyArn: string | undefined;

  public constructor(scope: Construct, id: string, props: ProviderSecretsProps = {}) {
    super(scope, id);
    this.kmsKeyArn = props.secretsKmsKeyArn;
    this.plaid = this.secret('PlaidSecret', props.plaidSecretArn, {
      description: 'Plaid API credentials for webhook verification keys: {"client_id": "…", "secret": "…"}',
      placeholder: '{"client_id":"","secret":""}',
      removalPolicy: props.removalPolicy,
    });
    this.argyle = this.secret('ArgyleSecret', props.argyleSecretArn, {
      description: 'Argyle webhook secrets: a JSON array of strings (several while a secret rotates)',
      placeholder: '[]',
      removalPolicy: props.removalPolicy,
    });
  }

  /**
   * Lets a function read both secrets: `GetSecretValue` on the two ARNs (`ISecret.grantRead` adds
   * `DescribeSecret`, which the function never calls), and `kms:Decrypt` on the customer managed key
   * when one is configured, only through Secrets Manager in this region.
   */
  public grantRead(grantee: IGrantable): void {
    Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: [this.plaid.secretArn, this.argyle.secretArn],
    });
    if (this.kmsKeyArn) {
      const stack = Stack.of(this);
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [this.kmsKeyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.${stack.urlSuffix}` },
          },
        }),
      );
    }
  }

  private secret(
    id: string,
    arn: string | undefined,
    options: { description: string; placeholder: string; removalPolicy: RemovalPolicy | undefined },
  ): ISecret {
    if (arn !== undefined) return Secret.fromSecretCompleteArn(this, id, arn);
    const secret = new Secret(this, id, {
      description: options.description,
      // Not a secret: an empty value the function recognises as unset. The real value is put
      // out of band (see docs/deploy.md), so it never appears in a template or in the CDK code.
      secretStringValue: SecretValue.unsafePlainText(options.placeholder),
      removalPolicy: options.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The value is a credential issued by the provider (Plaid dashboard, Argyle webhook subscription). ' +
        'Secrets Manager cannot rotate it without the provider; operators rotate it there and put the new ' +
        'value, and the Argyle format holds several secrets so old and new overlap during a rotation.',
    });
    return secret;
  }
}
