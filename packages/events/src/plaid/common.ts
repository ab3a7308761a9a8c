import * as z from 'zod';
import { openEnum } from '../open-enum.js';

/** Broad category of a Plaid error (`PlaidErrorType`). */
export const PlaidErrorTypeSchema = openEnum([
  'INVALID_REQUEST',
  'INVALID_RESULT',
  'INVALID_INPUT',
  'INSTITUTION_ERROR',
  'RATE_LIMIT_EXCEEDED',
  'API_ERROR',
  'ITEM_ERROR',
  'ASSET_REPORT_ERROR',
  'BASE_REPORT_ERROR',
  'RECAPTCHA_ERROR',
  'OAUTH_ERROR',
  'PAYMENT_ERROR',
  'BANK_TRANSFER_ERROR',
  'INCOME_VERIFICATION_ERROR',
  'MICRODEPOSITS_ERROR',
  'SANDBOX_ERROR',
  'PARTNER_ERROR',
  'SIGNAL_ERROR',
  'TRANSACTIONS_ERROR',
  'TRANSACTION_ERROR',
  'TRANSFER_ERROR',
  'CHECK_REPORT_ERROR',
  'CONSUMER_REPORT_ERROR',
  'USER_ERROR',
]);
export type PlaidErrorType = z.infer<typeof PlaidErrorTypeSchema>;

/**
 * The `PlaidError` object embedded as `error` in many webhooks.
 * `display_message` is required by the spec but Plaid omits it in real payloads (USER_PERMISSION_REVOKED),
 * and `request_id` is never sent in webhook errors, so only the first three fields are required.
 */
export const PlaidErrorSchema = z.looseObject({
  error_type: PlaidErrorTypeSchema,
  error_code: z.string(),
  error_message: z.string(),
  display_message: z.string().nullable().optional(),
  error_code_reason: openEnum(['OAUTH_INVALID_TOKEN', 'OAUTH_CONSENT_EXPIRED', 'OAUTH_USER_REVOKED'])
    .nullable()
    .optional(),
  status: z.number().int().nullable().optional(),
  request_id: z.string().optional(),
  // Each cause is a PlaidError plus `item_id`; left untyped as in the spec.
  causes: z.array(z.unknown()).optional(),
  documentation_url: z.string().optional(),
  suggested_action: z.string().nullable().optional(),
  required_account_subtypes: z.array(z.string()).optional(),
  provided_account_subtypes: z.array(z.string()).optional(),
});
export type PlaidError = z.infer<typeof PlaidErrorSchema>;

/**
 * `error` as sent by the webhooks whose variants disagree on its type: a `PlaidError` object in one
 * schema, a plain string in the other (`FallbackAuth*`, `InitialUpdateWebhook`).
 */
export const PlaidErrorOrMessageSchema = z.union([PlaidErrorSchema, z.string()]);
export type PlaidErrorOrMessage = z.infer<typeof PlaidErrorOrMessageSchema>;

/** The Plaid environment that sent the webhook (`WebhookEnvironmentValues`). */
export const WebhookEnvironmentSchema = openEnum(['sandbox', 'production']);
export type WebhookEnvironment = z.infer<typeof WebhookEnvironmentSchema>;

/** A Plaid product name (`Products`). */
export const ProductsSchema = openEnum([
  'assets',
  'auth',
  'balance',
  'balance_plus',
  'beacon',
  'identity',
  'identity_match',
  'investments',
  'investments_auth',
  'liabilities',
  'payment_initiation',
  'identity_verification',
  'transactions',
  'credit_details',
  'income',
  'income_verification',
  'standing_orders',
  'transfer',
  'employment',
  'recurring_transactions',
  'transactions_refresh',
  'signal',
  'statements',
  'processor_payments',
  'processor_identity',
  'profile',
  'cra_base_report',
  'cra_income_insights',
  'cra_partner_insights',
  'cra_network_insights',
  'cra_cashflow_insights',
  'cra_monitoring',
  'cra_lend_score',
  'cra_plaid_credit_score',
  'layer',
  'pay_by_bank',
  'protect_linked_bank',
  'protect_transactions',
]);
export type Products = z.infer<typeof ProductsSchema>;

/** Account id → the Auth attributes that changed on it (e.g. `ACCOUNT_NUMBER`, `ROUTING_NUMBER`). */
export const AccountIdsWithUpdatedAuthSchema = z.record(z.string(), z.array(z.string()));
export type AccountIdsWithUpdatedAuth = z.infer<typeof AccountIdsWithUpdatedAuthSchema>;

/** Account id → the identity attributes that changed on it. */
export const AccountIdsWithUpdatedIdentitySchema = z.record(z.string(), z.array(z.string()));
export type AccountIdsWithUpdatedIdentity = z.infer<typeof AccountIdsWithUpdatedIdentitySchema>;

/** Account id → the liability fields that changed on it (e.g. `past_amount_due`). */
export const LiabilitiesAccountIdsWithUpdatedLiabilitiesSchema = z.record(z.string(), z.array(z.string()));
export type LiabilitiesAccountIdsWithUpdatedLiabilities = z.infer<
  typeof LiabilitiesAccountIdsWithUpdatedLiabilitiesSchema
>;

/** One event of a Link session, as summarised by `LINK` / `EVENTS`. */
export const LinkEventSchema = z.looseObject({
  event_name: z.string().optional(),
  timestamp: z.string().optional(),
  // Plaid's deduplication key for the event.
  event_id: z.string().optional(),
  event_metadata: z.looseObject({}).optional(),
});
export type LinkEvent = z.infer<typeof LinkEventSchema>;

/** How and whether a Hosted Link session reached the user (`LINK_DELIVERY` / `DELIVERY_STATUS`). */
export const LinkDeliveryMetadataSchema = z.looseObject({
  communication_method: openEnum(['SMS', 'EMAIL']).optional(),
  delivery_status: openEnum(['SUCCESS', 'FAILURE']).optional(),
});
export type LinkDeliveryMetadata = z.infer<typeof LinkDeliveryMetadataSchema>;

/** A Link callback (`onSuccess`, `onEvent`, `onExit`) relayed by `LINK_DELIVERY` / `LINK_CALLBACK`. */
export const LinkCallbackMetadataSchema = z.looseObject({
  callback_type: openEnum(['ON_SUCCESS', 'ON_EVENT', 'ON_EXIT']).optional(),
  event_name: z.string().optional(),
  status: z.string().optional(),
  link_session_id: z.string().optional(),
  request_id: z.string().optional(),
  institution: z
    .looseObject({
      name: z.string().optional(),
      institution_id: z.string().optional(),
    })
    .optional(),
  accounts: z.array(z.looseObject({})).optional(),
});
export type LinkCallbackMetadata = z.infer<typeof LinkCallbackMetadataSchema>;

/** Refinement options shared by the webhooks that processor partners receive keyed by `account_id`. */
export const ITEM_OR_ACCOUNT_ID_REQUIRED = { message: 'item_id or account_id is required' } as const;

/**
 * Whether a payload names its Item or, in the variant sent to processor partners, its account.
 * Used as a refinement so both variants share one schema and `item_id` stays `string | undefined`.
 *
 * @param payload - a parsed webhook that has both ids as optional strings
 * @returns true when at least one of `item_id` and `account_id` is present
 */
export const hasItemOrAccountId = (payload: {
  readonly item_id?: string | undefined;
  readonly account_id?: string | undefined;
}): boolean => payload.item_id !== undefined || payload.account_id !== undefined;
