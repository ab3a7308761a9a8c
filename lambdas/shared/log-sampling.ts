import { type EnvValues, numberBetween, readEnvironment } from './config.js';

/** The default share of requests whose INFO line is written: logs are billed per byte. */
export const DEFAULT_LOG_SAMPLE_RATE = 0.01;

/**
 * `LOG_SAMPLE_RATE`: the share (0 to 1) of accepted, duplicate and routed webhooks whose INFO line
 * is written. Errors, refusals and quarantines are always logged, and every outcome is counted.
 * Read without zod, as the rest of the configuration is (config.ts says why).
 */
export const LOG_SAMPLING_ENVIRONMENT = {
  LOG_SAMPLE_RATE: numberBetween(0, 1, DEFAULT_LOG_SAMPLE_RATE),
} as const;
export type LogSamplingConfig = EnvValues<typeof LOG_SAMPLING_ENVIRONMENT>;

/** The sample rate from `process.env` (or the given environment), read once at cold start. */
export const loadLogSampleRate = (env: Record<string, string | undefined> = process.env): number =>
  readEnvironment(LOG_SAMPLING_ENVIRONMENT, env).LOG_SAMPLE_RATE;

/**
 * Decides, request by request, whether the request's INFO line is written: always at 1, never at
 * 0, otherwise with probability `rate`.
 */
export const createLogSampler = (rate: number, random: () => number = Math.random): (() => boolean) => {
  if (rate >= 1) return () => true;
  if (rate <= 0) return () => false;
  return () => random() < rate;
};
