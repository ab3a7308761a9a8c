/**
 * How a monthly volume turns into calls: the rate, the batches the router's SQS event source
 * makes, the traces X-Ray records, the hours a metric has data. Pure arithmetic; the assumptions
 * come from `bench/prices.json` and are explained there.
 */

/** Webhooks a second for a monthly volume spread evenly over the month. */
export const ratePerSecond = (webhooksPerMonth: number, hoursPerMonth: number): number =>
  webhooksPerMonth / (hoursPerMonth * 3600);

/** What the event source mapping of a queue does at a rate. */
export interface BatchShape {
  /** Mean records per invocation. */
  readonly meanBatch: number;
  /** Invocations per webhook (1 / meanBatch). */
  readonly invocationsPerWebhook: number;
  /** ReceiveMessage calls that return messages, per webhook. */
  readonly receivesPerWebhook: number;
  /** Records one such receive returns, on average. */
  readonly recordsPerReceive: number;
  /** DeleteMessageBatch calls per webhook (one per ten records of an invocation). */
  readonly deletesPerWebhook: number;
  /** Empty long polls a month (the idle pollers). */
  readonly emptyReceivesPerMonth: number;
}

/** What decides the batches; see `sqsEventSourcePollers` and `sqsReceiveRoundTripMs` in bench/prices.json. */
export interface BatchInputs {
  readonly ratePerSecond: number;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly pollers: number;
  readonly receiveRoundTripMs: number;
  /** The consumer's invocation time, ms (its assumed I/O wait per batch). */
  readonly invocationMs: number;
  readonly longPollSeconds: number;
  readonly secondsPerMonth: number;
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * The batches of an SQS event source at an even rate. Each of the pollers takes what reached it
 * during one cycle (a receive, the invocation, and the batching window if any): at least one
 * record, at most the batch size. Without a window one receive fills a batch; with one, a poller
 * receives again and again during the window, each receive returning what reached it in one round
 * trip (at least one, at most ten). Idle pollers long-poll once every `longPollSeconds`.
 */
export const batchShape = (inputs: BatchInputs): BatchShape => {
  const { ratePerSecond: rate, batchSize, batchingWindowSeconds: window, pollers } = inputs;
  const cycleSeconds = (inputs.receiveRoundTripMs + inputs.invocationMs) / 1000;
  const meanBatch = clamp((rate * (window + cycleSeconds)) / pollers, 1, batchSize);
  const recordsPerReceive =
    window > 0 ? clamp((rate * inputs.receiveRoundTripMs) / 1000 / pollers, 1, 10) : Math.min(meanBatch, 10);
  const busyShare = clamp((rate * (window + cycleSeconds)) / pollers, 0, 1);
  return {
    meanBatch,
    invocationsPerWebhook: 1 / meanBatch,
    receivesPerWebhook: 1 / recordsPerReceive,
    recordsPerReceive,
    deletesPerWebhook: Math.ceil(meanBatch / 10) / meanBatch,
    emptyReceivesPerMonth: ((pollers * inputs.secondsPerMonth) / inputs.longPollSeconds) * (1 - busyShare),
  };
};

/**
 * Traces Lambda records a month for a function invoked `invocationsPerSecond` times a second, evenly:
 * the first request of each second (`reservoirPerSecond`) and `fixedRate` of the rest.
 */
export const tracesPerMonth = (
  invocationsPerSecond: number,
  secondsPerMonth: number,
  reservoirPerSecond: number,
  fixedRate: number,
): number => {
  const reservoir = Math.min(invocationsPerSecond, reservoirPerSecond);
  return (reservoir + fixedRate * (invocationsPerSecond - reservoir)) * secondsPerMonth;
};

/**
 * The share of hours in which a metric emitted `eventsPerHour` times an hour on average has data
 * (Poisson arrivals): a custom metric is billed for those hours only.
 */
export const shareOfHoursWithData = (eventsPerHour: number): number =>
  eventsPerHour <= 0 ? 0 : 1 - Math.exp(-eventsPerHour);

/**
 * Months of data a store keeps at steady state: its retention in months, or `foreverMonths` for one
 * that never expires (0 days or none).
 */
export const retainedMonths = (
  retentionDays: number | undefined,
  hoursPerMonth: number,
  foreverMonths: number,
): number =>
  retentionDays === undefined || retentionDays <= 0 ? foreverMonths : retentionDays / (hoursPerMonth / 24);
