import type { IncomingMessage, ServerResponse } from 'node:http';
import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { InvalidEventPatternError } from '../lambdas/shared/errors.js';
import type { BusEvent } from './bus-event.js';
import { type EventPattern, matchesEventPattern, parseEventPattern } from './event-pattern/event-pattern.js';
import { readBody } from './http-util.js';

/**
 * The one rules registry of the local bus: `PutRule`, `PutTargets`, `RemoveTargets`, `DeleteRule`,
 * `DescribeRule` and `ListTargetsByRule` on the EventBridge wire protocol (JSON 1.1), and delivery of
 * every matching event to its target queues (SendMessage to the SQS emulator). This is what
 * `npm run smoke` needs to run against `npm run dev` exactly as against a deployed bus; the archive
 * (archive-replay.ts) reads the same rules for `StartReplay`'s FilterArns and delivers replayed
 * events through {@link BusRulesApi.deliver}. Targets other than SQS queues are accepted and kept
 * as given (so `replay --archive` can copy a consumer rule's targets) but not delivered locally.
 * Patterns use the one matcher of the local bus (event-pattern.ts).
 */
export interface BusRulesApi {
  /** Whether the `X-Amz-Target` is an operation of this module. */
  handles(target: string | undefined): boolean;
  /** Answers one of those operations. */
  answer(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /**
   * Sends an accepted event (its exact line) to the targets of every enabled rule it matches; with
   * `onlyRuleArns` (a replay's FilterArns), of those rules only.
   */
  deliver(event: Pick<BusEvent, 'id'>, line: string, onlyRuleArns?: readonly string[]): Promise<void>;
  /** Whether a rule of this ARN exists. */
  hasRule(ruleArn: string): boolean;
  /** Whether the rule of this ARN exists, is enabled and its pattern matches the event line. */
  matches(ruleArn: string, line: string): boolean;
}

/** Options of {@link createBusRulesApi}. */
export interface BusRulesApiOptions {
  /** The SQS client of the emulator the target queues live in; without it nothing is delivered. */
  readonly sqs?: SQSClient;
  readonly region?: string;
  readonly account?: string;
  /** Called when a delivery fails (the event stays in the events log). */
  readonly onError?: (message: string) => void;
  /** Called when a target is accepted that the local bus does not deliver to. */
  readonly onNote?: (message: string) => void;
}

interface LocalRule {
  readonly name: string;
  readonly eventBusName: string;
  readonly pattern: EventPattern;
  readonly patternText: string;
  readonly state: 'ENABLED' | 'DISABLED';
  /** Each target as PutTargets gave it, by Id (ListTargetsByRule answers them unchanged). */
  readonly targets: Map<string, { readonly Id: string; readonly Arn: string } & Record<string, unknown>>;
}

const OPERATIONS = [
  'PutRule',
  'PutTargets',
  'RemoveTargets',
  'DeleteRule',
  'DescribeRule',
  'ListTargetsByRule',
];
const PREFIX = 'AWSEvents.';
const SQS_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:([\w-]{1,80})$/;
const ANY_ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:/;

class WireError extends Error {
  public constructor(
    public readonly type: string,
    message: string,
    public readonly status = 400,
  ) {
    super(message);
  }
}

/** Creates the rules API of one local bus. */
export const createBusRulesApi = ({
  sqs,
  region = 'us-east-1',
  account = '000000000000',
  onError,
  onNote,
}: BusRulesApiOptions): BusRulesApi => {
  const rules = new Map<string, LocalRule>();
  const key = (bus: string, name: string) => `${bus}/${name}`;
  const busOf = (body: Record<string, unknown>) => String(body.EventBusName ?? 'default');
  const ruleArn = (rule: LocalRule) =>
    `arn:aws:events:${region}:${account}:rule/${rule.eventBusName === 'default' ? '' : `${rule.eventBusName}/`}${rule.name}`;
  const existing = (body: Record<string, unknown>, field: 'Name' | 'Rule') => {
    const rule = rules.get(key(busOf(body), String(body[field])));
    if (!rule)
      throw new WireError('ResourceNotFoundException', `Rule ${String(body[field])} does not exist.`);
    return rule;
  };

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    PutRule(body) {
      const name = String(body.Name ?? '');
      if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(name))
        throw new WireError('ValidationException', 'Rule name is not valid.');
      if (typeof body.EventPattern !== 'string') {
        throw new WireError('ValidationException', 'The local bus takes rules with an EventPattern only.');
      }
      let pattern: EventPattern;
      try {
        pattern = parseEventPattern(body.EventPattern);
      } catch (error) {
        if (error instanceof InvalidEventPatternError)
          throw new WireError('InvalidEventPatternException', error.message);
        throw error;
      }
      const bus = busOf(body);
      const before = rules.get(key(bus, name));
      const rule: LocalRule = {
        name,
        eventBusName: bus,
        pattern,
        patternText: body.EventPattern,
        state: body.State === 'DISABLED' ? 'DISABLED' : 'ENABLED',
        targets: before?.targets ?? new Map(),
      };
      rules.set(key(bus, name), rule);
      return { RuleArn: ruleArn(rule) };
    },
    PutTargets(body) {
      const rule = existing(body, 'Rule');
      const failed: Record<string, string>[] = [];
      for (const target of (body.Targets as Record<string, unknown>[] | undefined) ?? []) {
        const { Id, Arn } = target;
        if (typeof Id !== 'string' || !Id || typeof Arn !== 'string' || !ANY_ARN.test(Arn)) {
          failed.push({
            TargetId: String(Id),
            ErrorCode: 'ValidationException',
            ErrorMessage: 'A target needs an Id and the ARN of a resource.',
          });
          continue;
        }
        if (!rule.targets.has(Id) && rule.targets.size >= 5) {
          failed.push({
            TargetId: Id,
            ErrorCode: 'LimitExceededException',
            ErrorMessage: '5 targets per rule.',
          });
          continue;
        }
        rule.targets.set(Id, { ...target, Id, Arn });
        // Kept so ListTargetsByRule (and a replay's copy of them) sees them, as in AWS.
        if (!SQS_ARN.test(Arn))
          onNote?.(
            `rule ${rule.name}: target ${Id} (${Arn}) accepted; the local bus delivers to SQS queues only`,
          );
        else if (!sqs) onNote?.(`rule ${rule.name}: target ${Id} accepted; no SQS emulator to deliver to`);
      }
      return { FailedEntryCount: failed.length, FailedEntries: failed };
    },
    RemoveTargets(body) {
      const rule = existing(body, 'Rule');
      for (const id of (body.Ids as string[] | undefined) ?? []) rule.targets.delete(id);
      return { FailedEntryCount: 0, FailedEntries: [] };
    },
    DeleteRule(body) {
      const rule = rules.get(key(busOf(body), String(body.Name)));
      if (!rule) return {};
      if (rule.targets.size > 0) {
        throw new WireError('ValidationException', "Rule can't be deleted since it has targets.");
      }
      rules.delete(key(rule.eventBusName, rule.name));
      return {};
    },
    DescribeRule(body) {
      const rule = existing(body, 'Name');
      return {
        Name: rule.name,
        Arn: ruleArn(rule),
        EventPattern: rule.patternText,
        State: rule.state,
        EventBusName: rule.eventBusName,
      };
    },
    ListTargetsByRule(body) {
      const rule = existing(body, 'Rule');
      return { Targets: [...rule.targets.values()] };
    },
  };

  const queueUrls = new Map<string, Promise<string | undefined>>();
  const queueUrl = (arn: string) => {
    let url = queueUrls.get(arn);
    if (!url) {
      const name = SQS_ARN.exec(arn)?.[1] as string;
      url = (sqs as SQSClient).send(new GetQueueUrlCommand({ QueueName: name })).then((r) => r.QueueUrl);
      url.catch(() => queueUrls.delete(arn));
      queueUrls.set(arn, url);
    }
    return url;
  };

  return {
    handles: (target) => typeof target === 'string' && OPERATIONS.includes(target.slice(PREFIX.length)),
    async answer(req, res) {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      const operation = String(req.headers['x-amz-target']).slice(PREFIX.length);
      try {
        const body = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8') || '{}');
        send(200, (operations[operation] as (b: Record<string, unknown>) => unknown)(body));
      } catch (error) {
        if (error instanceof WireError) send(error.status, { __type: error.type, message: error.message });
        else send(400, { __type: 'ValidationException', message: (error as Error).message });
      }
    },
    hasRule: (arn) => [...rules.values()].some((rule) => ruleArn(rule) === arn),
    matches: (arn, line) =>
      [...rules.values()].some(
        (rule) =>
          ruleArn(rule) === arn && rule.state === 'ENABLED' && matchesEventPattern(rule.pattern, line),
      ),
    async deliver(event, line, onlyRuleArns) {
      const deliveries: Promise<unknown>[] = [];
      for (const rule of rules.values()) {
        if (onlyRuleArns && !onlyRuleArns.includes(ruleArn(rule))) continue;
        if (rule.state !== 'ENABLED' || !matchesEventPattern(rule.pattern, line)) continue;
        for (const { Arn: arn } of rule.targets.values()) {
          if (!sqs || !SQS_ARN.test(arn)) continue;
          deliveries.push(
            queueUrl(arn)
              .then((url) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: line })))
              .catch((error: Error) =>
                onError?.(`rule ${rule.name}: could not deliver ${event.id} to ${arn}: ${error.message}`),
              ),
          );
        }
      }
      await Promise.all(deliveries);
    },
  };
};
