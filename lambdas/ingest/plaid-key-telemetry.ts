import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { PlaidKeyFailureContext } from '../providers/plaid/verification-key-client.js';
import {
  PlaidKeyFailureReason,
  PlaidKeyUnavailableError,
  type VerificationUnavailableError,
} from '../shared/errors.js';
import { countMetric, MetricName } from '../shared/powertools.js';

/**
 * Counts and logs a failed Plaid key fetch: Plaid's `error_code`, `error_type` and `request_id`
 * (what Plaid support asks for), the HTTP status and the kid; never the credentials, which are in
 * the request only. Counted with `reason` so the alarm's description can say what to fix.
 */
export const reportPlaidKeyFailure =
  (logger: Logger, metrics: Metrics) =>
  (error: VerificationUnavailableError, { kid, servedCachedKey }: PlaidKeyFailureContext): void => {
    const details =
      error instanceof PlaidKeyUnavailableError
        ? error.details
        : { reason: PlaidKeyFailureReason.UnusableAnswer };
    countMetric(metrics, MetricName.PlaidKeyFetchFailed, { provider: 'plaid', reason: details.reason });
    logger.error('Plaid verification key fetch failed', {
      ...details,
      kid,
      // A failed refresh keeps the cached key; otherwise the webhook is answered 503 and Plaid retries.
      outcome: servedCachedKey ? 'cached key kept' : 'answered 503',
      error: error.message,
    });
  };
