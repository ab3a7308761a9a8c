import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/**
 * The shapes and bounds of the values a pipeline takes, shared by the construct's props checks
 * (props-validation.ts) and the CDK context parser (stack-settings.ts), so both refuse the same.
 */

export const SECRET_ARN =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6}$/;
export const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/;
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-zA-Z0-9-]{1,128}$/;
export const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/;
export const ACCOUNT_ID = /^\d{12}$/;
export const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const NAMESPACE = /^(?!AWS\/)[A-Za-z0-9._/#:-]{1,255}$/;
export const HTTPS_URL = /^https:\/\/[^\s/]+(\/\S*)?$/;
/** A pipeline name: part of bus, registry, alarm and dashboard names (all take these characters). */
export const PIPELINE_NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

/** Most consumer accounts: the bus and registry policies list each one. */
export const MAX_CONSUMER_ACCOUNTS = 100;
/** Longest plaidBaseUrl: it is a function environment variable (4 KB for all of them). */
export const MAX_URL_LENGTH = 1024;
/** Longest plaidAllowedSourceIps, joined with commas: a function environment variable too. */
export const MAX_ALLOWLIST_LENGTH = 512;
/** The oldest accepted Plaid token (300 s) plus 30 s of clock skew. */
export const MIN_DEDUPE_WINDOW_SECONDS = 330;
/** Powertools log levels the functions take. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
/** The retention values CloudWatch Logs takes, in days (INFINITE aside). */
export const LOG_RETENTION_DAYS: ReadonlySet<number> = new Set(
  Object.values(RetentionDays).filter((v): v is number => typeof v === 'number' && v > 0),
);
