import * as z from 'zod';
import { parseConfig } from './config.js';

/** The default share of requests whose INFO line is written: logs are billed per byte. */
export const DEFAULT_LOG_SAMPLE_RATE = 0.01;

/**
 * `LOG_SAMPLE_RATE`: the share (0 to 1) of accepted, duplicate and routed webhooks whose INFO line
 * is written. Errors, refusals and quarantines are always logged, and every outcome is counted.
 */
export const LogSamplingConfigSchema = z.object({
  LOG_SAMPLE_RATE: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(DEFAULT_LOG_SAMPLE_RATE) : v.trim()))
    .transform(Number)
    .pipe(z.number().min(0).max(1)),
});
export type LogSamplingConfig = z.infer<typeof LogSamplingConfigSchema>;

/** The sample rate from `process.env` (or the given environment), parsed once at cold start. */
export const loadLogSampleRate = (env: Record<string, string | undefined> = process.env): number =>
  parseConfig(LogSamplingConfigSchema, env).LOG_SAMPLE_RATE;

/**
 * Decides, request by request, whether the request's INFO line is written: always at 1, never at
 * 0, otherwise with probability `rate`.
 */
export const createLogSampler = (rate: number, random: () => number = Math.random): (() => boolean) => {
  if (rate >= 1) return () => true;
  if (rate <= 0) return () => false;
  return () => random() < rate;
};
