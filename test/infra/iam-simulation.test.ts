import { resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DECLARED_GRANTS } from '../../lib/iam/declared-grants.js';
import { PREFLIGHT_TARGET } from '../../lib/preflight/resolve-template.js';
import { parseStackSettings } from '../../lib/stack-settings.js';
import { WebhookPipelineStack } from '../../lib/webhook-pipeline-stack.js';
import { recordedSourcesDigest } from '../../local/call-recorder.js';
import {
  type Account,
  arnOf,
  type DeployedFunction,
  decide,
  defaultKeyPolicy,
  deployedFunctions,
  readRecording,
  type SimulatedCall,
  sessionOf,
  unusedGrants,
} from './iam/role-simulation.js';
import { testApp } from './synth.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const RECORDING = resolve(ROOT, 'reports', 'iam-calls.json');
const recording = readRecording(RECORDING);
const KMS_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-aaaa-bbbb-cccc-123456789012';

const deploy = (context: Record<string, unknown>) => {
  const settings = parseStackSettings(context);
  const stack = new WebhookPipelineStack(testApp(), settings.stackId, settings.props);
  const target = { ...PREFLIGHT_TARGET, stackName: stack.stackName };
  return { target, functions: deployedFunctions(Template.fromStack(stack).toJSON(), target) };
};

/**
 * The calls a function makes in the deployed stack: every recorded call on the ARN its environment
 * gives, plus what AWS does on its behalf: reading a secret under a customer managed key makes
 * Secrets Manager call kms:Decrypt with the caller's permissions.
 */
const callsOf = (fn: DeployedFunction, target: Account, kmsKeyArn?: string): SimulatedCall[] =>
  (recording.functions[fn.service]?.actions ?? []).flatMap((recorded): SimulatedCall[] => {
    const call = { action: recorded.action, arn: arnOf(recorded.resource, fn, target), origin: 'recorded' };
    if (recorded.action !== 'secretsmanager:GetSecretValue' || !kmsKeyArn) return [call];
    return [
      call,
      {
        action: 'kms:Decrypt',
        arn: kmsKeyArn,
        context: { 'kms:ViaService': `secretsmanager.${target.region}.amazonaws.com` },
        // The key's default policy: the account's IAM policies decide (docs/deploy.md).
        resourcePolicy: defaultKeyPolicy(kmsKeyArn.split(':')[4] ?? ''),
        origin: `Secrets Manager decrypting ${call.arn}`,
      },
    ];
  });

const denied = async (fn: DeployedFunction, calls: readonly SimulatedCall[], account: string) => {
  const out: string[] = [];
  for (const call of calls) {
    const decision = await decide(call, fn.policies, sessionOf(fn, account), account);
    if (decision !== 'Allowed') out.push(`${call.action} on ${call.arn} (${call.origin}): ${decision}`);
  }
  return out;
};

const SHAPES = [
  { name: 'default stack', context: {} },
  {
    name: 'imported secrets under a customer managed KMS key',
    context: {
      plaidSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:plaid-AbCdEf',
      argyleSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:argyle-GhIjKl',
      secretsKmsKeyArn: KMS_KEY,
    },
    kmsKeyArn: KMS_KEY,
  },
];

describe('IAM simulated both ways: recorded calls against the synthesized role policies', () => {
  it('the recording is up to date with the function sources (else run npm run iam:record)', () => {
    expect(recording.sources, 'reports/iam-calls.json is older than lambdas/: run npm run iam:record').toBe(
      recordedSourcesDigest(ROOT),
    );
  });

  describe.each(SHAPES)('$name', ({ context, kmsKeyArn }) => {
    const { target, functions } = deploy(context);
    const recorded = [...functions.values()];

    it('has a recording for every function', () => {
      expect(recorded.map((fn) => fn.service).filter((s) => !recording.functions[s])).toEqual([]);
      for (const fn of recorded) expect(recording.functions[fn.service]?.calls).toBeGreaterThan(0);
    });

    it.each(recorded.map((fn) => [fn.service, fn] as const))('%s: every call is allowed', async (_, fn) => {
      const calls = callsOf(fn, target, kmsKeyArn);
      expect(calls.length).toBeGreaterThan(0);
      expect(await denied(fn, calls, target.account)).toEqual([]);
    });

    it.each(recorded.map((fn) => [fn.service, fn] as const))(
      '%s: every grant is used by a call or declared with its reason',
      async (_, fn) => {
        expect(await unusedGrants(fn, callsOf(fn, target, kmsKeyArn), DECLARED_GRANTS, target)).toEqual([]);
      },
    );
  });
});

describe('the simulation can fail', () => {
  const { target, functions } = deploy({});
  const ingest = functions.get('webhook-ingest') as DeployedFunction;
  const withoutAction = (fn: DeployedFunction, action: string): DeployedFunction => ({
    ...fn,
    policies: fn.policies.map(({ name, policy }) => ({
      name,
      policy: {
        ...policy,
        Statement: policy.Statement.map((s: { Action: string | string[] }) => ({
          ...s,
          Action: [s.Action].flat().filter((a) => a !== action),
        })).filter((s: { Action: string[] }) => s.Action.length > 0),
      },
    })),
  });

  beforeAll(() => {
    expect(ingest).toBeDefined();
  });

  it('denies a recorded call once its grant is removed from the role', async () => {
    const calls = callsOf(ingest, target);
    expect(await denied(withoutAction(ingest, 'sqs:SendMessage'), calls, target.account)).toEqual([
      expect.stringMatching(/^sqs:SendMessage on arn:aws:sqs:.*ImplicitlyDenied$/),
    ]);
  });

  it('reports a grant no call uses', async () => {
    const extra: DeployedFunction = {
      ...ingest,
      policies: [
        ...ingest.policies,
        {
          name: 'extra',
          policy: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: 'dynamodb:DeleteItem', Resource: 'arn:aws:dynamodb:*:*:table/x' },
            ],
          },
        },
      ],
    };
    expect(await unusedGrants(extra, callsOf(ingest, target), DECLARED_GRANTS, target)).toEqual([
      'dynamodb:DeleteItem on arn:aws:dynamodb:*:*:table/x',
    ]);
  });

  it('denies kms:Decrypt of a secret under a customer managed key without the grant', async () => {
    const { target: kmsTarget, functions: kmsFunctions } = deploy(SHAPES[1]?.context ?? {});
    const fn = kmsFunctions.get('webhook-ingest') as DeployedFunction;
    const calls = callsOf(fn, kmsTarget, KMS_KEY);
    expect(await denied(withoutAction(fn, 'kms:Decrypt'), calls, kmsTarget.account)).toEqual([
      expect.stringMatching(/^kms:Decrypt on arn:aws:kms:.*\(Secrets Manager decrypting .*ImplicitlyDenied$/),
      expect.stringMatching(/^kms:Decrypt on arn:aws:kms:.*\(Secrets Manager decrypting .*ImplicitlyDenied$/),
    ]);
    // Called directly, not through Secrets Manager, the key stays closed even with the grant.
    const direct = calls.filter((c) => c.action === 'kms:Decrypt').map((c) => ({ ...c, context: {} }));
    expect((await denied(fn, direct, kmsTarget.account)).length).toBe(direct.length);
  });
});
