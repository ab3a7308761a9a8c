import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { isProviderName, type ProviderName } from '@webhook-pipeline/events/sources';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { type AbortSignalLike, BudgetAbortSignal } from '../shared/abort-signal.js';
import {
  IngestBudgetExceededError,
  InvalidPayloadError,
  PayloadTooLargeError,
  SignatureVerificationError,
  SourceAddressRefusedError,
  UnknownProviderError,
} from '../shared/errors.js';
import { createLogSampler } from '../shared/log-sampling.js';
import { countAndLogInfo, countMetric, MetricName } from '../shared/powertools.js';
import { INGEST_BUDGET_MS } from './budget.js';
import {
  errorResponse,
  type HttpResponse,
  internalError,
  methodNotAllowed,
  outcomeResponse,
  providerSegment,
  toIngestRequest,
} from './http.js';
import { type IngestDeps, type IngestOutcome, ingestWebhook } from './ingest-webhook.js';
import type { SourceIpCheck } from './source-ip.js';

/** What the ingest handler is built from: the core's collaborators and the function's telemetry. */
export interface IngestHandlerOptions {
  readonly deps: IngestDeps;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /**
   * Share (0 to 1) of accepted and duplicate webhooks whose INFO line is written (`LOG_SAMPLE_RATE`
   * in the deployed handler); every outcome is still counted, and refusals, quarantines and errors
   * are always logged.
   * @default 1
   */
  readonly logSampleRate?: number;
  /** Optional source address allowlists by provider (403 outside them, before verification). */
  readonly sourceIpChecks?: Partial<Record<ProviderName, SourceIpCheck>>;
  /** Past this the answer is 503 whatever hangs (default {@link INGEST_BUDGET_MS}). */
  readonly budgetMs?: number;
}

/**
 * `work(signal)`, or an {@link IngestBudgetExceededError} once `budgetMs` has passed; then `signal`
 * aborts what the work still has in flight (a store write must not land after the 503).
 */
const withinBudget = <T>(work: (signal: AbortSignalLike) => Promise<T>, budgetMs: number): Promise<T> =>
  // One promise settled by whichever comes first (Promise.race with a deadline promise and a
  // finally() allocates three per request on the hot path), and a light signal instead of an
  // AbortController (abort-signal.ts says why).
  new Promise<T>((resolve, reject) => {
    const signal = new BudgetAbortSignal();
    const timer = setTimeout(() => {
      const error = new IngestBudgetExceededError(budgetMs);
      // The answer (503) first, then the calls still in flight are cut.
      reject(error);
      signal.abort(error);
    }, budgetMs);
    work(signal).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });

// The counts of each outcome, for a known and for an unknown webhook code. A plain accepted webhook
// writes no EMF line: the dashboard counts accepted webhooks by the router's EventsPublished (one
// line per batch and provider), which keeps the log bytes of the happy path near zero.
const OUTCOME_METRICS = {
  accepted: [[], [MetricName.UnknownWebhookCode]],
  duplicate: [[MetricName.Duplicate], [MetricName.Duplicate, MetricName.UnknownWebhookCode]],
  quarantined: [[MetricName.Quarantined], [MetricName.Quarantined, MetricName.UnknownWebhookCode]],
} as const satisfies Record<IngestOutcome['status'], readonly (readonly MetricName[])[]>;

const recordOutcome = (
  { logger, metrics }: IngestHandlerOptions,
  outcome: IngestOutcome,
  started: number,
  logLine: boolean,
) => {
  const names = OUTCOME_METRICS[outcome.status][outcome.known ? 0 : 1];
  const quarantined = outcome.status === 'quarantined';
  // A plain accepted webhook whose line is not sampled writes nothing: nothing is built for it.
  if (names.length === 0 && !quarantined && !logLine) return;
  const dimensions = { provider: outcome.provider };
  if (!quarantined && !logLine) {
    for (const name of names) countMetric(metrics, name, dimensions);
    return;
  }
  const fields = {
    provider: outcome.provider,
    detailType: outcome.detailType,
    status: outcome.status,
    webhookId: outcome.webhookId,
    latencyMs: Math.round((performance.now() - started) * 100) / 100,
  };
  if (quarantined) {
    for (const name of names) countMetric(metrics, name, dimensions);
    logger.warn('webhook quarantined', { ...fields, issues: outcome.issues });
  } else {
    // The counts and the one INFO line of the request, in a single write.
    countAndLogInfo(metrics, names, dimensions, logger, 'webhook', fields);
  }
};

const recordFailure = (
  { logger, metrics }: IngestHandlerOptions,
  provider: string,
  error: unknown,
  response: HttpResponse | undefined,
) => {
  // The provider segment is attacker-controlled, and a body can be refused (413) before the
  // provider is looked up: only known names become a metric dimension.
  const dimensions = { provider: isProviderName(provider) ? provider : 'unknown' };
  if (error instanceof SignatureVerificationError) {
    countMetric(metrics, MetricName.SignatureFailure, { ...dimensions, reason: error.reason });
    logger.warn('signature refused', { provider, reason: error.reason });
  } else if (error instanceof InvalidPayloadError) {
    countMetric(metrics, MetricName.InvalidPayload, dimensions);
    logger.warn('verified body refused', { provider, error: error.message });
  } else if (error instanceof PayloadTooLargeError) {
    countMetric(metrics, MetricName.PayloadTooLarge, dimensions);
    logger.warn('body too large', { provider, size: error.size });
  } else if (error instanceof SourceAddressRefusedError) {
    countMetric(metrics, MetricName.SourceAddressRefused, dimensions);
    logger.warn('source address refused', { provider, sourceIp: error.sourceIp });
  } else if (error instanceof UnknownProviderError) {
    logger.info('unknown provider');
  } else {
    countMetric(metrics, MetricName.IngestUnavailable, dimensions);
    logger.error(response ? 'dependency unavailable' : 'unexpected error', error as Error);
  }
};

/**
 * Builds the ingest Lambda handler: middy with Powertools logger and metrics, and no body-parsing
 * middleware (the signature covers the raw bytes). The deployed handler and the local runtime
 * both come from here; only their collaborators differ.
 */
export const createIngestHandler = (options: IngestHandlerOptions) => {
  const { deps, logger, metrics } = options;
  const sampled = createLogSampler(options.logSampleRate ?? 1);
  const handle = async (event: APIGatewayProxyEventV2): Promise<HttpResponse> => {
    const started = performance.now();
    const method = event.requestContext?.http?.method ?? 'POST';
    if (method !== 'POST') return methodNotAllowed(method);
    const provider = providerSegment(event);
    try {
      // Defence in depth, before any verification work: see docs/security.md.
      const allowed = isProviderName(provider) ? options.sourceIpChecks?.[provider] : undefined;
      const sourceIp = event.requestContext?.http?.sourceIp ?? '';
      if (allowed && !allowed(sourceIp)) throw new SourceAddressRefusedError(provider, sourceIp);
      const request = toIngestRequest(event, deps.settings.maxBodyBytes);
      const outcome = await withinBudget(
        (signal) => ingestWebhook(request, deps, signal),
        options.budgetMs ?? INGEST_BUDGET_MS,
      );
      recordOutcome(options, outcome, started, sampled());
      return outcomeResponse(outcome);
    } catch (error) {
      const response = errorResponse(error);
      recordFailure(options, provider, error, response);
      return response ?? internalError();
    }
  };
  // Middy's early timeout (a second timer per request) is off: the budget above answers 503 well
  // before the function's timeout, with the count and log line a timeout needs.
  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>({ timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger))
    .handler((event) => {
      // Every count is emitted as its own single metric (see countMetric), so the shared buffer and
      // Powertools' logMetrics flush are not used; the cold-start count is emitted once, here.
      metrics.captureColdStartMetric();
      return handle(event);
    });
};
