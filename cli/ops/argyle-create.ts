import {
  ArgyleApiError,
  type ArgyleClient,
  type ArgyleSubscription,
  argyleRetryDecision,
  type CreateSubscriptionBody,
  sameSubscription,
} from './argyle.js';
import { mapPool, type RetryOptions, withRetry } from './concurrency.js';
import { createProgress } from './progress.js';

/** One subscription's result, as `register argyle` reports it. */
export interface ArgyleSubscriptionResult {
  name: string;
  status: 'created' | 'exists' | 'ignored' | 'failed' | 'planned';
  events: readonly string[];
  items?: readonly string[];
  id?: string;
  attempts?: number;
  /** A create that failed without an answer but was found in the listing afterwards. */
  recovered?: boolean;
  reason?: string;
  error?: { status: number; detail: string };
}

/** What a create request asks for, as the report shows it. */
export const describeSubscription = (body: CreateSubscriptionBody) => ({
  name: body.name,
  events: body.events,
  ...(body.config ? { items: body.config.items } : {}),
});

/**
 * Creates the planned subscriptions, `concurrency` at a time, retrying as `retry` says. After a
 * 5xx or no answer the create may have happened: the subscriptions are listed before creating
 * again, so a lost answer never makes a second subscription.
 */
export const createSubscriptions = async (
  client: ArgyleClient,
  bodies: readonly CreateSubscriptionBody[],
  concurrency: number,
  retry: RetryOptions,
): Promise<ArgyleSubscriptionResult[]> => {
  const progress = createProgress({ label: 'POST /v2/webhooks', total: bodies.length });
  const created = await mapPool(bodies, concurrency, async (body): Promise<ArgyleSubscriptionResult> => {
    let uncertain = false;
    const call = await withRetry(
      async (): Promise<{ subscription: ArgyleSubscription; recovered: boolean }> => {
        if (uncertain) {
          const found = (await client.list()).find((s) => sameSubscription(s, body));
          if (found) return { subscription: found, recovered: true };
        }
        try {
          return { subscription: await client.create(body), recovered: false };
        } catch (error) {
          uncertain = error instanceof ArgyleApiError && (error.status >= 500 || error.status === 0);
          throw error;
        }
      },
      argyleRetryDecision,
      retry,
    );
    if (call.ok) {
      progress.tick('ok');
      return {
        ...describeSubscription(body),
        status: 'created',
        id: call.value.subscription.id,
        attempts: call.attempts,
        ...(call.value.recovered ? { recovered: true } : {}),
      };
    }
    progress.tick('failed');
    return {
      ...describeSubscription(body),
      status: 'failed',
      attempts: call.attempts,
      error: argyleErrorOf(call.error),
    };
  });
  progress.done();
  return created;
};

/** The status and detail of a failed Argyle call, for the report. */
export const argyleErrorOf = (error: unknown): { status: number; detail: string } =>
  error instanceof ArgyleApiError
    ? { status: error.status, detail: error.detail }
    : { status: 0, detail: (error as Error).message };
