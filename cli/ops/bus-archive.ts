import {
  CancelReplayCommand,
  DeleteRuleCommand,
  DescribeArchiveCommand,
  DescribeEventBusCommand,
  DescribeReplayCommand,
  type DescribeReplayCommandOutput,
  EventBridgeClient,
  ListArchivesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  StartReplayCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import type { PipelineTarget } from './target.js';

/** The bus and its archive, as StartReplay needs them. */
export interface BusArchive {
  readonly busName: string;
  readonly busArn: string;
  readonly archiveName: string;
  readonly archiveArn: string;
}

/** A temporary rule a replay delivers through, and the targets copied onto it. */
export interface ReplayRule {
  readonly name: string;
  readonly arn: string;
  readonly from?: string;
  readonly targetIds: readonly string[];
}

/** EventBridge takes at most 5 targets per rule. */
const MAX_TARGETS = 5;

/** The EventBridge operations of `replay --archive`, on the local bus or a stack's bus. */
export const createBusArchiveClient = (target: PipelineTarget) => {
  const client = new EventBridgeClient(
    target.kind === 'local'
      ? {
          region: target.region ?? 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          ...(target.eventBridgeEndpoint ? { endpoint: target.eventBridgeEndpoint } : {}),
        }
      : target.region
        ? { region: target.region }
        : {},
  );
  return {
    /** The bus's ARN and its archive: `archiveName`, else the bus's only archive. */
    async resolve(busName: string, archiveName?: string): Promise<BusArchive> {
      const bus = await client.send(new DescribeEventBusCommand({ Name: busName }));
      const busArn = bus.Arn ?? '';
      let name = archiveName;
      if (!name) {
        const listed = await client.send(new ListArchivesCommand({ EventSourceArn: busArn }));
        const names = (listed.Archives ?? []).map((a) => a.ArchiveName ?? '').filter(Boolean);
        if (names.length !== 1)
          throw new Error(
            names.length
              ? `bus ${busName} has ${names.length} archives (${names.join(', ')}); name one with --archive-name`
              : `bus ${busName} has no archive`,
          );
        name = names[0] as string;
      }
      const archive = await client.send(new DescribeArchiveCommand({ ArchiveName: name }));
      return { busName, busArn, archiveName: name, archiveArn: archive.ArchiveArn ?? '' };
    },

    /**
     * Creates the rule a replay is delivered through (its pattern includes the replay's name, so
     * live events never match it) with the targets of a consumer rule copied onto it.
     */
    async createRule(
      busName: string,
      name: string,
      pattern: Record<string, unknown>,
      consumerRule?: string,
    ): Promise<ReplayRule> {
      let targets: Target[] = [];
      if (consumerRule) {
        targets =
          (await client.send(new ListTargetsByRuleCommand({ Rule: consumerRule, EventBusName: busName })))
            .Targets ?? [];
        if (targets.length === 0) throw new Error(`rule ${consumerRule} has no targets to replay to`);
        if (targets.length > MAX_TARGETS)
          throw new Error(`rule ${consumerRule} has more than ${MAX_TARGETS} targets`);
      }
      const rule = await client.send(
        new PutRuleCommand({
          Name: name,
          EventBusName: busName,
          EventPattern: JSON.stringify(pattern),
          State: 'ENABLED',
          Description: `webhook-pipeline replay --archive${consumerRule ? ` to the targets of ${consumerRule}` : ''} (temporary)`,
        }),
      );
      const copied = targets.map((t) => ({ ...t, Id: t.Id ?? '' }));
      if (copied.length) {
        const out = await client.send(
          new PutTargetsCommand({ Rule: name, EventBusName: busName, Targets: copied }),
        );
        if (out.FailedEntryCount)
          throw new Error(
            `could not copy the targets of ${consumerRule}: ${(out.FailedEntries ?? []).map((f) => f.ErrorMessage).join('; ')}`,
          );
      }
      return {
        name,
        arn: rule.RuleArn ?? '',
        ...(consumerRule ? { from: consumerRule } : {}),
        targetIds: copied.map((t) => t.Id),
      };
    },

    /** Removes a temporary rule and its targets (best effort on each step; errors are returned). */
    async deleteRule(busName: string, rule: ReplayRule): Promise<string | undefined> {
      try {
        if (rule.targetIds.length)
          await client.send(
            new RemoveTargetsCommand({ Rule: rule.name, EventBusName: busName, Ids: [...rule.targetIds] }),
          );
        await client.send(new DeleteRuleCommand({ Name: rule.name, EventBusName: busName }));
        return undefined;
      } catch (error) {
        return `could not delete the temporary rule ${rule.name}: ${(error as Error).message}`;
      }
    },

    start: (input: {
      name: string;
      archive: BusArchive;
      from: string;
      to: string;
      rules: readonly ReplayRule[];
    }) =>
      client.send(
        new StartReplayCommand({
          ReplayName: input.name,
          Description: 'webhook-pipeline replay --archive',
          EventSourceArn: input.archive.archiveArn,
          EventStartTime: new Date(input.from),
          EventEndTime: new Date(input.to),
          Destination: { Arn: input.archive.busArn, FilterArns: input.rules.map((r) => r.arn) },
        }),
      ),

    describe: (name: string): Promise<DescribeReplayCommandOutput> =>
      client.send(new DescribeReplayCommand({ ReplayName: name })),

    cancel: (name: string) => client.send(new CancelReplayCommand({ ReplayName: name })),

    close: () => client.destroy(),
  };
};
