import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { invokeLambdaTarget } from './lambda-target.js';
import type { RuleTarget } from './rules-file.js';

/** One try at handing an event to a target. */
export interface DeliveryAttempt {
  readonly attempt: number;
  readonly at: string;
  readonly ok: boolean;
  /** HTTP status when the target answered. */
  readonly status?: number;
  /** Why it failed (connection refused, timeout, HTTP status text, file error). */
  readonly error?: string;
  /** When the next try is due, when there is one. */
  readonly retryAt?: string;
}

/** An event on its way to one rule's target. */
export interface Delivery {
  readonly id: number;
  readonly rule: string;
  readonly target: string;
  readonly eventId: string;
  readonly webhookId: string;
  readonly detailType: string;
  readonly queuedAt: string;
  state: 'pending' | 'delivered' | 'failed';
  readonly attempts: DeliveryAttempt[];
}

/** Retry settings: EventBridge retries a failing target with backoff for up to 24 hours. */
export interface RetryPolicy {
  /** Delay before the first retry, ms. */
  readonly firstDelayMs: number;
  /** Longest delay between tries, ms. */
  readonly maxDelayMs: number;
  /** Give up once the event is this old, ms (EventBridge's MaximumEventAgeInSeconds, 24 h by default). */
  readonly maxAgeMs: number;
  /** One try's time limit, ms (API destinations allow 5 s). */
  readonly timeoutMs: number;
  /** One invocation's time limit for a Lambda handler target, ms. */
  readonly handlerTimeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  firstDelayMs: 1000,
  maxDelayMs: 10_000,
  maxAgeMs: 24 * 60 * 60 * 1000,
  timeoutMs: 5000,
  handlerTimeoutMs: 30_000,
};

type TryResult =
  | { ok: true; status?: number }
  | { ok: false; retry: boolean; status?: number; error: string };

/**
 * Sends one event line to a target. HTTP: POST as JSON; 2xx is delivered, 4xx other than 408/429 is
 * final. Lambda: the handler is invoked with the event; a throw is retried.
 */
const tryDeliver = async (
  rule: string,
  target: RuleTarget,
  line: string,
  policy: RetryPolicy,
): Promise<TryResult> => {
  const timeoutMs = policy.timeoutMs;
  if (target.kind === 'lambda') return invokeLambdaTarget(target, rule, line, policy.handlerTimeoutMs);
  if (target.kind === 'file') {
    try {
      await mkdir(dirname(target.path), { recursive: true });
      await appendFile(target.path, `${line}\n`);
      return { ok: true };
    } catch (error) {
      return {
        ok: false,
        retry: true,
        error: (error as NodeJS.ErrnoException).code ?? (error as Error).message,
      };
    }
  }
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'webhook-pipeline-local-rules' },
      body: line,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return { ok: true, status: response.status };
    // As EventBridge API destinations: client errors other than 408 and 429 are not retried.
    const retry = response.status >= 500 || response.status === 408 || response.status === 429;
    return {
      ok: false,
      retry,
      status: response.status,
      error: `HTTP ${response.status} ${response.statusText}`,
    };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const reason =
      e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
    return { ok: false, retry: true, error: reason };
  }
};

/** Options of {@link createRuleWorker}. */
export interface RuleWorkerOptions {
  readonly rule: string;
  readonly targetText: string;
  readonly target: RuleTarget;
  readonly retry: RetryPolicy;
  /** Called after every attempt (the console and the log show each one). */
  readonly onAttempt: (delivery: Delivery, attempt: DeliveryAttempt) => void;
  readonly now?: () => number;
}

/** The deliveries of one rule: in order, one at a time, each retried until delivered or too old. */
export interface RuleWorker {
  enqueue(delivery: Omit<Delivery, 'rule' | 'target' | 'state' | 'attempts'>, line: string): Delivery;
  /** Deliveries not yet delivered or failed. */
  pending(): number;
  stop(): void;
}

/** Starts the delivery loop of one rule's target. */
export const createRuleWorker = ({
  rule,
  targetText,
  target,
  retry,
  onAttempt,
  now = Date.now,
}: RuleWorkerOptions): RuleWorker => {
  const queue: { delivery: Delivery; line: string }[] = [];
  let running = false;
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolveSleep) => {
      wake = resolveSleep;
      timer = setTimeout(resolveSleep, ms);
    });

  const run = async () => {
    running = true;
    while (!stopped && queue.length) {
      const head = queue[0] as { delivery: Delivery; line: string };
      const { delivery, line } = head;
      const attempt = delivery.attempts.length + 1;
      const result = await tryDeliver(rule, target, line, retry);
      if (stopped) break;
      const at = new Date(now()).toISOString();
      if (result.ok) {
        delivery.state = 'delivered';
        const record: DeliveryAttempt = {
          attempt,
          at,
          ok: true,
          ...(result.status ? { status: result.status } : {}),
        };
        delivery.attempts.push(record);
        queue.shift();
        onAttempt(delivery, record);
        continue;
      }
      const delay = Math.min(retry.firstDelayMs * 2 ** (attempt - 1), retry.maxDelayMs);
      const tooOld = now() + delay - Date.parse(delivery.queuedAt) > retry.maxAgeMs;
      const final = !result.retry || tooOld;
      const record: DeliveryAttempt = {
        attempt,
        at,
        ok: false,
        error: result.error,
        ...(result.status ? { status: result.status } : {}),
        ...(final ? {} : { retryAt: new Date(now() + delay).toISOString() }),
      };
      delivery.attempts.push(record);
      if (final) {
        delivery.state = 'failed';
        queue.shift();
      }
      onAttempt(delivery, record);
      if (!final) await sleep(delay);
    }
    running = false;
  };

  return {
    enqueue(fields, line) {
      const delivery: Delivery = { ...fields, rule, target: targetText, state: 'pending', attempts: [] };
      queue.push({ delivery, line });
      if (!running && !stopped) void run();
      return delivery;
    },
    pending: () => queue.length,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
    },
  };
};
