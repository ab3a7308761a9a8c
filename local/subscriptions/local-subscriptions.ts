import { unwatchFile, watchFile } from 'node:fs';
import { resolve } from 'node:path';
import { matchesEventPattern } from '../event-pattern/event-pattern.js';
import { parseJsonExact } from '../event-pattern/event-pattern-values.js';
import {
  createRuleWorker,
  DEFAULT_RETRY_POLICY,
  type Delivery,
  type DeliveryAttempt,
  type RetryPolicy,
  type RuleWorker,
} from './rule-delivery.js';
import { type LocalRule, readRulesFile } from './rules-file.js';

/** What a bus event carries that deliveries show. */
export interface DeliveredEvent {
  readonly id: string;
  readonly 'detail-type': string;
  readonly detail: unknown;
}

/** Options of {@link startLocalSubscriptions}. */
export interface LocalSubscriptionsOptions {
  readonly rulesFile: string;
  readonly log: (line: string) => void;
  readonly retry?: Partial<RetryPolicy>;
  /** Every attempt, after the log line. */
  readonly onAttempt?: (delivery: Delivery, attempt: DeliveryAttempt) => void;
  /** The rules were (re)loaded, or a reload failed (`error`). */
  readonly onRules?: (rules: readonly LocalRule[], error?: string) => void;
  /** How often the file is checked for changes, ms. */
  readonly watchIntervalMs?: number;
}

/** Local rules: each bus event goes to every rule whose pattern matches it. */
export interface LocalSubscriptions {
  readonly rulesFile: string;
  rules(): readonly LocalRule[];
  /** The last reload error, while the file is invalid (the previous rules stay in force). */
  lastError(): string | undefined;
  /** Recent deliveries, newest last. */
  deliveries(): readonly Delivery[];
  /** Hands an event line to every matching rule; the deliveries it started. */
  publish(event: DeliveredEvent, line: string): Delivery[];
  stop(): Promise<void>;
}

const time = () => new Date().toISOString().slice(11, 23);
const KEEP_DELIVERIES = 2000;

/**
 * Reads the rules file, delivers events to the rules' targets with retries, and re-reads the file
 * when it changes (an invalid edit is logged and the previous rules stay in force).
 */
export const startLocalSubscriptions = async ({
  rulesFile,
  log,
  retry,
  onAttempt,
  onRules,
  watchIntervalMs = 300,
}: LocalSubscriptionsOptions): Promise<LocalSubscriptions> => {
  const file = resolve(rulesFile);
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...retry };
  let rules: LocalRule[] = await readRulesFile(file);
  let error: string | undefined;
  // A worker per (rule, target): an edit that keeps both keeps the queue; a removed rule's worker
  // still drains what it had accepted, so an edit never drops an event.
  const workers = new Map<string, RuleWorker>();
  const recent: Delivery[] = [];
  let nextId = 1;

  const keyOf = (rule: LocalRule) => `${rule.name}\n${rule.targetText}`;
  const workerOf = (rule: LocalRule): RuleWorker => {
    const key = keyOf(rule);
    let worker = workers.get(key);
    if (!worker) {
      worker = createRuleWorker({
        rule: rule.name,
        targetText: rule.targetText,
        target: rule.target,
        retry: policy,
        onAttempt: (delivery, attempt) => {
          const result = attempt.ok
            ? `delivered${attempt.status ? ` (${attempt.status})` : ''}`
            : `${attempt.error}${attempt.retryAt ? `; retry at ${attempt.retryAt.slice(11, 19)}` : '; given up'}`;
          log(
            `${time()}  rule     ${delivery.rule} → ${delivery.target}  ${delivery.webhookId} attempt ${attempt.attempt}: ${result}`,
          );
          onAttempt?.(delivery, attempt);
        },
      });
      workers.set(key, worker);
    }
    return worker;
  };
  const describe = (list: readonly LocalRule[]) => list.map((r) => `${r.name} → ${r.targetText}`).join(', ');
  log(`${time()}  rules    ${file}: ${rules.length} rule(s): ${describe(rules)}`);
  onRules?.(rules);

  let reloading = Promise.resolve();
  const reload = () => {
    reloading = reloading.then(async () => {
      try {
        rules = await readRulesFile(file);
        error = undefined;
        log(`${time()}  rules    reloaded ${file}: ${rules.length} rule(s): ${describe(rules)}`);
      } catch (e) {
        error = (e as Error).message;
        log(`${time()}  rules    not reloaded, the previous rules stay: ${error}`);
      }
      onRules?.(rules, error);
    });
  };
  watchFile(file, { interval: watchIntervalMs }, (current, previous) => {
    if (current.mtimeMs !== previous.mtimeMs || current.size !== previous.size) reload();
  });

  return {
    rulesFile: file,
    rules: () => rules,
    lastError: () => error,
    deliveries: () => recent,
    publish(event, line) {
      const started: Delivery[] = [];
      const webhookId =
        (event.detail as { metadata?: { webhookId?: string } } | null)?.metadata?.webhookId ?? '-';
      // Parsed once for every rule, numbers kept as written.
      const parsed = parseJsonExact(line);
      for (const rule of rules) {
        if (!matchesEventPattern(rule.pattern, parsed)) continue;
        const delivery = workerOf(rule).enqueue(
          {
            id: nextId++,
            eventId: event.id,
            webhookId,
            detailType: event['detail-type'],
            queuedAt: new Date().toISOString(),
          },
          line,
        );
        recent.push(delivery);
        started.push(delivery);
      }
      if (recent.length > KEEP_DELIVERIES) recent.splice(0, recent.length - KEEP_DELIVERIES);
      return started;
    },
    async stop() {
      unwatchFile(file);
      await reloading;
      for (const worker of workers.values()) worker.stop();
    },
  };
};
