import * as z from 'zod';
import { openEnum } from '../open-enum.js';

/**
 * The shape every Argyle delivery shares: `event` names the webhook, `name` is the subscription's own
 * name (any string the client chose), and `data` depends on the event.
 */
export const ArgyleEnvelopeSchema = z.looseObject({
  event: z.string().min(1),
  name: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type ArgyleEnvelope = z.infer<typeof ArgyleEnvelopeSchema>;

/**
 * Builds the schema of one Argyle webhook: the envelope with `event` pinned to a literal, so a union
 * of these can be discriminated on it.
 *
 * @param event - The Argyle event name, e.g. `accounts.connected`.
 * @param data - The schema of the event's `data` object.
 * @returns A loose object schema; fields Argyle adds later pass through untouched.
 */
export const argyleWebhook = <const E extends string, D extends z.ZodType>(event: E, data: D) =>
  z.looseObject({ event: z.literal(event), name: z.string(), data });

/** Any object: the `data` of events whose payload shape Argyle does not publish. */
export const ArgyleAnyDataSchema = z.record(z.string(), z.unknown());
export type ArgyleAnyData = z.infer<typeof ArgyleAnyDataSchema>;

/** The pair most Argyle events carry: the payroll account and the user who connected it. */
export const AccountUserDataSchema = z.looseObject({
  account: z.string(),
  user: z.string(),
});
export type AccountUserData = z.infer<typeof AccountUserDataSchema>;

/**
 * The data window the sync and change events report. Bounds are null while nothing is available yet
 * (a real `gigs.partially_synced` delivery had `available_count: 0` with both bounds null).
 */
export const SyncWindowDataSchema = AccountUserDataSchema.extend({
  available_from: z.string().nullable(),
  available_to: z.string().nullable(),
  available_count: z.number(),
});
export type SyncWindowData = z.infer<typeof SyncWindowDataSchema>;

/** Known `connection.error_code` values of an account (also the `error_code` of `accounts.failed`). */
export const ACCOUNT_CONNECTION_ERROR_CODES = [
  'account_disabled',
  'account_inaccessible',
  'account_incomplete',
  'account_nonunique',
  'account_not_found',
  'all_employers_connected',
  'auth_method_temporarily_unavailable',
  'auth_required',
  'connection_unavailable',
  'credentials_managed_by_organization',
  'existing_account_found',
  'expired_credentials',
  'full_auth_required',
  'insufficient_account_data',
  'invalid_account_type',
  'invalid_auth',
  'invalid_credentials',
  'invalid_employer_identifier',
  'invalid_login_method',
  'invalid_login_url',
  'invalid_mfa',
  'invalid_store_identifier',
  'known_employer_redirect',
  'login_attempts_exceeded',
  'login_cancelled_by_the_user',
  'login_gov_not_linked',
  'mfa_attempts_exceeded',
  'mfa_cancelled_by_the_user',
  'mfa_exhausted',
  'mfa_not_configured',
  'mfa_timeout',
  'multi_driver_account',
  'ongoing_refresh_disabled',
  'passkey_limit_reached',
  'personal_data_access_not_granted',
  'physical_mfa_unsupported',
  'platform_temporarily_unavailable',
  'platform_unavailable',
  'service_unavailable',
  'session_limit_reached',
  'system_error',
  'temporary_credentials',
  'tos_required',
  'trial_connections_exhausted',
  'trial_period_expired',
  'unrecognized_employer_email',
  'unsupported_auth_type',
  'unsupported_business_account',
  'unsupported_language',
  'unsupported_mfa_method',
  'user_action_timeout',
] as const;

/** Known deposit switch error codes (account `direct_deposit_switch.error_code`). */
export const DEPOSIT_SWITCH_ERROR_CODES = [
  'account_invalid',
  'account_closed',
  'account_blocked',
  'confirmation_expired',
  'confirmation_invalid',
  'confirmation_timeout',
  'deposit_account_mismatch',
  'deposit_destination_unsupported',
  'employer_unsupported',
  'employer_account_invalid',
  'employer_account_closed',
  'employer_account_blocked',
  'employer_confirmation_invalid',
  'internal_server_error',
  'invalid_request',
  'item_invalid',
  'name_mismatch',
  'payroll_account_mismatch',
  'temporarily_unavailable',
  'terminate_flow',
  'unauthorized',
  'unexpected',
  'user_input_required',
] as const;

export const AccountConnectionErrorCodeSchema = openEnum(ACCOUNT_CONNECTION_ERROR_CODES);
export type AccountConnectionErrorCode = z.infer<typeof AccountConnectionErrorCodeSchema>;

export const DepositSwitchErrorCodeSchema = openEnum(DEPOSIT_SWITCH_ERROR_CODES);
export type DepositSwitchErrorCode = z.infer<typeof DepositSwitchErrorCodeSchema>;

/** Status of the account's connection to the payroll system. */
export const AccountConnectionSchema = z.looseObject({
  status: openEnum(['connecting', 'connected', 'error']).optional(),
  error_code: AccountConnectionErrorCodeSchema.nullish(),
  error_message: z.string().nullish(),
  updated_at: z.string().nullish(),
});
export type AccountConnection = z.infer<typeof AccountConnectionSchema>;

/** Status of the account's latest deposit switch. */
export const AccountDepositSwitchSchema = z.looseObject({
  status: openEnum([
    'idle',
    'awaiting_confirmation',
    'awaiting_user_action',
    'awaiting_connection',
    'scanning',
    'updating',
    'success',
    'error',
  ]).optional(),
  error_code: DepositSwitchErrorCodeSchema.nullish(),
  error_message: z.string().nullish(),
  updated_at: z.string().nullish(),
});
export type AccountDepositSwitch = z.infer<typeof AccountDepositSwitchSchema>;

/**
 * Availability of one data set on an account. Which counters appear depends on the data set (documents
 * carry `files_count`, paystubs and gigs the window), and the bounds are null until data arrives.
 */
export const AccountAvailabilitySchema = z.looseObject({
  status: openEnum(['in_progress', 'synced', 'sync_failed']).optional(),
  updated_at: z.string().nullish(),
  available_count: z.number().nullish(),
  available_from: z.string().nullish(),
  available_to: z.string().nullish(),
  files_count: z.number().nullish(),
  in_progress_count: z.number().nullish(),
});
export type AccountAvailability = z.infer<typeof AccountAvailabilitySchema>;

// Each data set is null until it applies to the account, and real deliveries omit some keys entirely.
const availabilityEntry = AccountAvailabilitySchema.nullish();

/**
 * The account object Argyle attaches as `data.resource` to `accounts.*` webhooks when the subscription
 * sets `config.include_resource`. Every field is optional: it is a snapshot, and partial snapshots
 * must not be quarantined.
 */
export const AccountResourceSchema = z.looseObject({
  id: z.string().optional(),
  user: z.string().optional(),
  employers: z.array(z.string()).optional(),
  item: z.string().optional(),
  source: z.string().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  // Null when the account was never connected.
  scanned_at: z.string().nullish(),
  connection: AccountConnectionSchema.nullish(),
  direct_deposit_switch: AccountDepositSwitchSchema.nullish(),
  availability: z
    .looseObject({
      gigs: availabilityEntry,
      paystubs: availabilityEntry,
      payroll_documents: availabilityEntry,
      identities: availabilityEntry,
      ratings: availabilityEntry,
      vehicles: availabilityEntry,
      deposit_destinations: availabilityEntry,
      user_forms: availabilityEntry,
      user_uploads: availabilityEntry,
      shifts: availabilityEntry,
    })
    .nullish(),
  ongoing_refresh: z.looseObject({ status: openEnum(['enabled', 'disabled', 'idle']).optional() }).nullish(),
});
export type AccountResource = z.infer<typeof AccountResourceSchema>;

/** `data` of the `accounts.*` webhooks: ids, plus the account object when `include_resource` is set. */
export const AccountEventDataSchema = AccountUserDataSchema.extend({
  resource: AccountResourceSchema.optional(),
});
export type AccountEventData = z.infer<typeof AccountEventDataSchema>;
