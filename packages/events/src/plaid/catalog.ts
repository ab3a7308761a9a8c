import * as z from 'zod';
import { type CatalogEntry, defineEntry } from '../catalog-entry.js';
import { AssetsErrorWebhookSchema, AssetsProductReadyWebhookSchema } from './webhooks/assets.js';
import {
  AuthDefaultUpdateWebhookSchema,
  AutomaticallyVerifiedWebhookSchema,
  HostedMMDVerificationWebhookSchema,
  ProductPermissionsRequiredAuthWebhookSchema,
  VerificationExpiredWebhookSchema,
} from './webhooks/auth.js';
import { BankTransfersEventsUpdateWebhookSchema } from './webhooks/bank-transfers.js';
import {
  BeaconDuplicateDetectedWebhookSchema,
  BeaconReportCreatedWebhookSchema,
  BeaconReportSyndicationCreatedWebhookSchema,
  BeaconReportUpdatedWebhookSchema,
  BeaconUserStatusUpdatedWebhookSchema,
} from './webhooks/beacon.js';
import {
  CashFlowUpdatesExpectedDepositMissedWebhookSchema,
  CashFlowUpdatesInsightsV2WebhookSchema,
  CashFlowUpdatesInsightsWebhookSchema,
  CashFlowUpdatesLargeDepositWebhookSchema,
  CashFlowUpdatesLowBalanceWebhookSchema,
  CashFlowUpdatesNewIncomeStreamWebhookSchema,
  CashFlowUpdatesNewLoanPaymentWebhookSchema,
  CashFlowUpdatesNSFWebhookSchema,
} from './webhooks/cash-flow-updates.js';
import {
  BaseReportsErrorWebhookSchema,
  CraBankIncomeCompleteWebhookSchema,
  CraBankIncomeErrorWebhookSchema,
  CraCheckReportFailedWebhookSchema,
  CraCheckReportReadyWebhookSchema,
  CraPartnerInsightsCompleteWebhookSchema,
  CraPartnerInsightsErrorWebhookSchema,
  CraUpgradeFailedWebhookSchema,
  CraUserCheckReportFailedWebhookSchema,
  CraUserCheckReportReadyWebhookSchema,
} from './webhooks/cra.js';
import { InstitutionStatusAlertWebhookSchema } from './webhooks/dashboard-configured-alert.js';
import { HoldingsDefaultUpdateWebhookSchema } from './webhooks/holdings.js';
import {
  IdentityDefaultUpdateWebhookSchema,
  ProductPermissionsRequiredIdentityWebhookSchema,
} from './webhooks/identity.js';
import {
  IdentityVerificationRetriedWebhookSchema,
  IdentityVerificationStatusUpdatedWebhookSchema,
  IdentityVerificationStepUpdatedWebhookSchema,
} from './webhooks/identity-verification.js';
import {
  BankIncomeCompleteWebhookSchema,
  BankIncomeRefreshCompleteWebhookSchema,
  BankIncomeRefreshUpdateWebhookSchema,
  IncomeVerificationRefreshReconnectNeededWebhookSchema,
  IncomeVerificationRiskSignalsStatusWebhookSchema,
  IncomeVerificationStatusWebhookSchema,
  ItemProductReadyWebhookSchema,
} from './webhooks/income.js';
import {
  InvestmentsDefaultUpdateWebhookSchema,
  InvestmentsHistoricalUpdateWebhookSchema,
} from './webhooks/investments-transactions.js';
import { IssueResolvedWebhookSchema } from './webhooks/issues.js';
import {
  ItemErrorWebhookSchema,
  ItemLoginRepairedWebhookSchema,
  NewAccountsAvailableWebhookSchema,
  PendingDisconnectWebhookSchema,
  PendingExpirationWebhookSchema,
  UserAccountRevokedWebhookSchema,
  UserPermissionRevokedWebhookSchema,
  WebhookUpdateAcknowledgedWebhookSchema,
} from './webhooks/item.js';
import { LayerAuthenticationPassedWebhookSchema } from './webhooks/layer.js';
import { LiabilitiesDefaultUpdateWebhookSchema } from './webhooks/liabilities.js';
import {
  ItemAddResultWebhookSchema,
  LinkEventsWebhookSchema,
  LinkSessionFinishedWebhookSchema,
} from './webhooks/link.js';
import {
  LinkDeliveryCallbackWebhookSchema,
  LinkUserDeliveryStatusWebhookSchema,
} from './webhooks/link-delivery.js';
import { PartnerEndCustomerOAuthStatusUpdatedWebhookSchema } from './webhooks/partner.js';
import {
  PaymentInitiationConsentStatusUpdateWebhookSchema,
  PaymentStatusUpdateWebhookSchema,
} from './webhooks/payment-initiation.js';
import { ProcessorTokenWebhookUpdateSchema } from './webhooks/processor-token.js';
import { ProtectUserEventWebhookSchema } from './webhooks/protect.js';
import {
  EntityScreeningStatusUpdatedWebhookSchema,
  ScreeningStatusUpdatedWebhookSchema,
} from './webhooks/screening.js';
import { StatementsRefreshCompleteWebhookSchema } from './webhooks/statements.js';
import {
  DefaultUpdateWebhookSchema,
  HistoricalUpdateWebhookSchema,
  InitialUpdateWebhookSchema,
  RecurringTransactionsUpdateWebhookSchema,
  SyncUpdatesAvailableWebhookSchema,
  TransactionsRemovedWebhookSchema,
} from './webhooks/transactions.js';
import {
  RecurringCancelledWebhookSchema,
  RecurringNewTransferWebhookSchema,
  RecurringTransferSkippedWebhookSchema,
  TransferEventsUpdateWebhookSchema,
  TransferPlatformOnboardingUpdateWebhookSchema,
} from './webhooks/transfer.js';
import { WalletTransactionStatusUpdateWebhookSchema } from './webhooks/wallet.js';

// Identifiers shared by the samples, in the shape Plaid uses in its own examples.
const ITEM_ID = 'wz666MBjYWTp2PDzzggYhM6oWWmBb';
const ACCOUNT_ID = 'dVzbVMLjrxTnLjX4G66XUp5GLklm4oiZy88yK';
const USER_ID = 'usr_9nSp2KuZ2x4JDw';
const LINK_TOKEN = 'link-production-3e7f2b1a-5c4d-4e8f-9a0b-1c2d3e4f5a6b';
const LINK_SESSION_ID = '1daca4d5-9a0d-4e85-a2e9-1e905ecaa32e';
const PUBLIC_TOKEN = 'public-production-b7c1f3a2-0d6e-4f1a-8e2b-9c4d5e6f7a8b';

/**
 * Every Plaid webhook, keyed by its EventBridge detail-type `<webhook_type>.<webhook_code>`.
 * Codes repeat across types (e.g. `ERROR`, `DEFAULT_UPDATE`), so lookups always use the pair.
 */
export const PLAID_CATALOG = {
  // ASSETS
  'ASSETS.ERROR': defineEntry({
    detailType: 'ASSETS.ERROR',
    description:
      'Fires when Asset Report generation has failed; the error has error_type ASSET_REPORT_ERROR.',
    keyFields: ['asset_report_id'],
    documented: true,
    schema: AssetsErrorWebhookSchema,
    sample: {
      webhook_type: 'ASSETS',
      webhook_code: 'ERROR',
      asset_report_id: 'c33ebe8b-6a63-4d74-a83d-d39791231ac0',
      error: {
        display_message: null,
        error_code: 'ASSET_REPORT_GENERATION_FAILED',
        error_message: 'unable to generate the asset report',
        error_type: 'ASSET_REPORT_ERROR',
        status: 400,
      },
      environment: 'production',
    },
  }),
  'ASSETS.PRODUCT_READY': defineEntry({
    detailType: 'ASSETS.PRODUCT_READY',
    description: 'Fires when an Asset Report has been generated and /asset_report/get can be called.',
    keyFields: ['asset_report_id'],
    documented: true,
    schema: AssetsProductReadyWebhookSchema,
    sample: {
      webhook_type: 'ASSETS',
      webhook_code: 'PRODUCT_READY',
      asset_report_id: 'c33ebe8b-6a63-4d74-a83d-d39791231ac0',
      report_type: 'FULL',
      environment: 'production',
    },
  }),

  // AUTH
  'AUTH.AUTOMATICALLY_VERIFIED': defineEntry({
    detailType: 'AUTH.AUTOMATICALLY_VERIFIED',
    description:
      'Fires when an account is verified through automated micro-deposits (the Fallback Auth variant sends error as a string).',
    keyFields: ['item_id', 'account_id'],
    documented: true,
    schema: AutomaticallyVerifiedWebhookSchema,
    sample: {
      webhook_type: 'AUTH',
      webhook_code: 'AUTOMATICALLY_VERIFIED',
      item_id: ITEM_ID,
      account_id: ACCOUNT_ID,
      environment: 'production',
    },
  }),
  'AUTH.DEFAULT_UPDATE': defineEntry({
    detailType: 'AUTH.DEFAULT_UPDATE',
    description:
      'Fires when the account or routing numbers of an Item change, usually after a bank renumbering.',
    keyFields: ['item_id'],
    documented: true,
    schema: AuthDefaultUpdateWebhookSchema,
    sample: {
      webhook_type: 'AUTH',
      webhook_code: 'DEFAULT_UPDATE',
      item_id: ITEM_ID,
      error: null,
      account_ids_with_new_auth: [],
      account_ids_with_updated_auth: { [ACCOUNT_ID]: ['ACCOUNT_NUMBER'] },
      environment: 'production',
    },
  }),
  'AUTH.PRODUCT_PERMISSIONS_REQUIRED': defineEntry({
    detailType: 'AUTH.PRODUCT_PERMISSIONS_REQUIRED',
    description:
      'Fires when Auth hits an ACCESS_NOT_GRANTED error, which update mode with auth in products resolves.',
    keyFields: ['item_id'],
    documented: true,
    schema: ProductPermissionsRequiredAuthWebhookSchema,
    sample: {
      webhook_type: 'AUTH',
      webhook_code: 'PRODUCT_PERMISSIONS_REQUIRED',
      item_id: ITEM_ID,
      environment: 'production',
    },
  }),
  'AUTH.SMS_MICRODEPOSITS_VERIFICATION': defineEntry({
    detailType: 'AUTH.SMS_MICRODEPOSITS_VERIFICATION',
    description: 'Fires with the state of an SMS Same-Day Micro-deposits verification session.',
    keyFields: ['item_id', 'account_id'],
    documented: true,
    schema: HostedMMDVerificationWebhookSchema,
    sample: {
      webhook_type: 'AUTH',
      webhook_code: 'SMS_MICRODEPOSITS_VERIFICATION',
      status: 'MANUALLY_VERIFIED',
      item_id: ITEM_ID,
      account_id: ACCOUNT_ID,
      environment: 'production',
    },
  }),
  'AUTH.VERIFICATION_EXPIRED': defineEntry({
    detailType: 'AUTH.VERIFICATION_EXPIRED',
    description:
      'Fires when an account is still unverified seven days after its automated micro-deposit (the Fallback Auth variant sends error as a string).',
    keyFields: ['item_id', 'account_id'],
    documented: true,
    schema: VerificationExpiredWebhookSchema,
    sample: {
      webhook_type: 'AUTH',
      webhook_code: 'VERIFICATION_EXPIRED',
      item_id: ITEM_ID,
      account_id: ACCOUNT_ID,
      environment: 'production',
    },
  }),

  // BANK_TRANSFERS
  'BANK_TRANSFERS.BANK_TRANSFERS_EVENTS_UPDATE': defineEntry({
    detailType: 'BANK_TRANSFERS.BANK_TRANSFERS_EVENTS_UPDATE',
    description:
      'Fires when new bank transfer (or Auth ACH) events are available from /bank_transfer/event/sync.',
    keyFields: ['environment'],
    documented: true,
    schema: BankTransfersEventsUpdateWebhookSchema,
    sample: {
      webhook_type: 'BANK_TRANSFERS',
      webhook_code: 'BANK_TRANSFERS_EVENTS_UPDATE',
      environment: 'production',
    },
  }),

  // BASE_REPORT
  'BASE_REPORT.ERROR': defineEntry({
    detailType: 'BASE_REPORT.ERROR',
    description: 'Fires when Base Report generation has failed; the error has error_type BASE_REPORT_ERROR.',
    keyFields: ['user_id'],
    documented: true,
    schema: BaseReportsErrorWebhookSchema,
    sample: {
      webhook_type: 'BASE_REPORT',
      webhook_code: 'ERROR',
      user_id: USER_ID,
      error: {
        display_message: null,
        error_code: 'DATA_UNAVAILABLE',
        error_message: 'unable to generate a base report for this user',
        error_type: 'BASE_REPORT_ERROR',
        status: 400,
      },
      environment: 'production',
    },
  }),

  // BEACON
  'BEACON.DUPLICATE_DETECTED': defineEntry({
    detailType: 'BEACON.DUPLICATE_DETECTED',
    description: 'Fires when a Beacon User created in your organization matches one of your existing users.',
    keyFields: ['beacon_duplicate_id'],
    documented: true,
    schema: BeaconDuplicateDetectedWebhookSchema,
    sample: {
      webhook_type: 'BEACON',
      webhook_code: 'DUPLICATE_DETECTED',
      beacon_duplicate_id: 'becdup_erJcFn97r9sugZ',
      environment: 'production',
    },
  }),
  'BEACON.REPORT_CREATED': defineEntry({
    detailType: 'BEACON.REPORT_CREATED',
    description: 'Fires when one of your Beacon Users is first reported to the Beacon network.',
    keyFields: ['beacon_report_id'],
    documented: true,
    schema: BeaconReportCreatedWebhookSchema,
    sample: {
      webhook_type: 'BEACON',
      webhook_code: 'REPORT_CREATED',
      beacon_report_id: 'becrpt_11111111111111',
      environment: 'production',
    },
  }),
  'BEACON.REPORT_SYNDICATION_CREATED': defineEntry({
    detailType: 'BEACON.REPORT_SYNDICATION_CREATED',
    description: 'Fires when a report created on the Beacon network matches one of your Beacon Users.',
    keyFields: ['beacon_report_syndication_id'],
    documented: true,
    schema: BeaconReportSyndicationCreatedWebhookSchema,
    sample: {
      webhook_type: 'BEACON',
      webhook_code: 'REPORT_SYNDICATION_CREATED',
      beacon_report_syndication_id: 'becrsn_11111111111111',
      environment: 'production',
    },
  }),
  'BEACON.REPORT_UPDATED': defineEntry({
    detailType: 'BEACON.REPORT_UPDATED',
    description: 'Fires when one of your Beacon Reports is modified or removed from the Beacon network.',
    keyFields: ['beacon_report_id'],
    documented: true,
    schema: BeaconReportUpdatedWebhookSchema,
    sample: {
      webhook_type: 'BEACON',
      webhook_code: 'REPORT_UPDATED',
      beacon_report_id: 'becrpt_11111111111111',
      environment: 'production',
    },
  }),
  'BEACON.USER_STATUS_UPDATED': defineEntry({
    detailType: 'BEACON.USER_STATUS_UPDATED',
    description:
      'Fires when a Beacon User status changes, manually in the dashboard or through a network report.',
    keyFields: ['beacon_user_id'],
    documented: true,
    schema: BeaconUserStatusUpdatedWebhookSchema,
    sample: {
      webhook_type: 'BEACON',
      webhook_code: 'USER_STATUS_UPDATED',
      beacon_user_id: 'becusr_42cF1MNo42r9Xj',
      environment: 'production',
    },
  }),

  // CASH_FLOW_UPDATES
  'CASH_FLOW_UPDATES.CASH_FLOW_INSIGHTS_UPDATED': defineEntry({
    detailType: 'CASH_FLOW_UPDATES.CASH_FLOW_INSIGHTS_UPDATED',
    description:
      'Fires up to four times a day for each Item of a user enrolled in Cash Flow Updates, listing the insights found.',
    keyFields: ['user_id'],
    documented: true,
    schema: CashFlowUpdatesInsightsV2WebhookSchema,
    sample: {
      webhook_type: 'CASH_FLOW_UPDATES',
      webhook_code: 'CASH_FLOW_INSIGHTS_UPDATED',
      status: 'AVAILABLE',
      user_id: USER_ID,
      insights: ['LOW_BALANCE_DETECTED', 'LARGE_DEPOSIT_DETECTED'],
      environment: 'production',
    },
  }),
  'CASH_FLOW_UPDATES.EXPECTED_DEPOSIT_MISSED': defineEntry({
    detailType: 'CASH_FLOW_UPDATES.EXPECTED_DEPOSIT_MISSED',
    description: 'Fires when a Cash Flow Updates refresh detects that an expected deposit was missed.',
    keyFields: ['user_id'],
    documented: true,
    schema: CashFlowUpdatesExpectedDepositMissedWebhookSchema,
    sample: {
      webhook_type: 'CASH_FLOW_UPDATES',
      webhook_code: 'EXPECTED_DEPOSIT_MISSED',
      status: 'AVAILABLE',
      user_id: USER_ID,
      environment: 'production',
    },
  }),
  'CASH_FLOW_UPDATES.INSIGHTS_UPDATED': defineEntry({
    detailType: 'CASH_FLOW_UPDATES.INSIGHTS_UPDATED',
    description:
      'Fires (deprecated) between one and four times a day per enrolled Item with the status of the Cash Flow Updates refresh.',
    keyFields: ['user_id'],
    documented: true,
    schema: CashFlowUpdatesInsightsWebhookSchema,
    sample: {
      webhook_type: 'CASH_FLOW_UPDATES',
      webhook_code: 'INSIGHTS_UPDATED',
      status: 'AVAILABLE',
      user_id: USER_ID,
      environment: 'production',
    },
  }),
  'CASH_FLOW_UPDATES.LARGE_DEPOSIT_DETECTED': defineEntry({
    detailType: 'CASH_FLOW_UPDATES.LARGE_DEPOSIT_DETECTED',
    description: 'Fires when a Cash Flow Updates refresh detects a deposit over $5,000.',
    keyFields: ['user_id'],
    documented: true,
    schema: CashFlowUpdatesLargeDepositWebhookSchema,
    sample: {
      webhook_type: 'CASH_FLOW_UPDATES',
      webhook_code: 'LARGE_DEPOSIT_DETECTED',
      status: 'AVAILABLE',
      user_id: USER_ID,
      environment: 'production',
    },
  }),
  'CASH_FLOW_UPDATES.LOW_BALANCE_DETECTED': defineEntry({
    detailType: 'CASH_FLOW_UPDATES.LOW_BALANCE_DETECTED',
    description: 'Fires when a Cash Flow Updates refresh detects a balance below $100.',
    keyFields: ['user_id'],
    documented: true,
    schema: CashFlowUpdatesLowBalanceWebhookSchema,
    sample: {
      webhook_type: 'CASH_FLOW_UPDATES',
      webhook_code: 'LOW_BALANCE_DETECTED',
      status: 'AVAILABLE',
      user_id: USER_ID,
      environment: 'production',
    },
  }),
  'CASH_FLOW_UPDATES.NEW_INCOME_STREAM_DETECTED': defineEntry({
    detailType: 'CASH_FLOW_UPDATES.NEW_INCOME_STREAM_DETECTED',
    description: 'Fires when a Cash Flow Updates refresh detects a new income stream.',
    keyFields: ['user_id'],
    documented: true,
    schema: CashFlowUpdatesNewIncomeStreamWebhookSchema,
    sample: {
      webhook_type: 'CASH_FLOW_UPDATES',
      webhook_code: 'NEW_INCOME_STREAM_DETECTED',
      status: 'AVAILABLE',
      user_id: USER_ID,
      environment: 'production',
    },
  }),
  'CASH_FLOW_UPDATES.NEW_LOAN_PAYMENT_DETECTED': defineEntry({
    detailType: 'CASH_FLOW_UPDATES.NEW_LOAN_PAYMENT_DETECTED',
    description: 'Fires when a Cash Flow Updates refresh detects a new loan payment.',
    keyFields: ['user_id'],
    documented: true,
    schema: CashFlowUpdatesNewLoanPaymentWebhookSchema,
    sample: {
      webhook_type: 'CASH_FLOW_UPDATES',
      webhook_code: 'NEW_LOAN_PAYMENT_DETECTED',
      status: 'AVAILABLE',
      user_id: USER_ID,
      environment: 'production',
    },
  }),
  'CASH_FLOW_UPDATES.NSF_OVERDRAFT_DETECTED': defineEntry({
    detailType: 'CASH_FLOW_UPDATES.NSF_OVERDRAFT_DETECTED',
    description: 'Fires when a Cash Flow Updates refresh detects an NSF overdraft transaction.',
    keyFields: ['user_id'],
    documented: true,
    schema: CashFlowUpdatesNSFWebhookSchema,
    sample: {
      webhook_type: 'CASH_FLOW_UPDATES',
      webhook_code: 'NSF_OVERDRAFT_DETECTED',
      status: 'AVAILABLE',
      user_id: USER_ID,
      environment: 'production',
    },
  }),

  // CHECK_REPORT
  'CHECK_REPORT.CHECK_REPORT_FAILED': defineEntry({
    detailType: 'CHECK_REPORT.CHECK_REPORT_FAILED',
    description: 'Fires when a Check Report has failed to generate; /user/items/get shows the failing Items.',
    keyFields: ['user_id'],
    documented: true,
    schema: CraCheckReportFailedWebhookSchema,
    sample: {
      webhook_type: 'CHECK_REPORT',
      webhook_code: 'CHECK_REPORT_FAILED',
      user_id: USER_ID,
      item_ids: [ITEM_ID],
      environment: 'production',
    },
  }),
  'CHECK_REPORT.CHECK_REPORT_READY': defineEntry({
    detailType: 'CHECK_REPORT.CHECK_REPORT_READY',
    description: 'Fires when a Check Report is ready; it stays retrievable for 24 hours.',
    keyFields: ['user_id'],
    documented: true,
    schema: CraCheckReportReadyWebhookSchema,
    sample: {
      webhook_type: 'CHECK_REPORT',
      webhook_code: 'CHECK_REPORT_READY',
      user_id: USER_ID,
      successful_products: ['cra_base_report', 'cra_income_insights'],
      failed_products: [],
      item_ids: [ITEM_ID],
      environment: 'production',
    },
  }),
  'CHECK_REPORT.UPGRADE_FAILED': defineEntry({
    detailType: 'CHECK_REPORT.UPGRADE_FAILED',
    description: 'Fires when an attempt to upgrade a Check Report has failed.',
    keyFields: ['user_id'],
    documented: true,
    schema: CraUpgradeFailedWebhookSchema,
    sample: {
      webhook_type: 'CHECK_REPORT',
      webhook_code: 'UPGRADE_FAILED',
      user_id: USER_ID,
      item_ids: [ITEM_ID],
      environment: 'production',
    },
  }),
  'CHECK_REPORT.USER_CHECK_REPORT_FAILED': defineEntry({
    detailType: 'CHECK_REPORT.USER_CHECK_REPORT_FAILED',
    description:
      "Fires when a user's Check Report has failed to generate; /user/items/get shows the failing Items.",
    keyFields: ['user_id'],
    documented: true,
    schema: CraUserCheckReportFailedWebhookSchema,
    sample: {
      webhook_type: 'CHECK_REPORT',
      webhook_code: 'USER_CHECK_REPORT_FAILED',
      user_id: USER_ID,
      item_ids: [ITEM_ID],
      environment: 'production',
    },
  }),
  'CHECK_REPORT.USER_CHECK_REPORT_READY': defineEntry({
    detailType: 'CHECK_REPORT.USER_CHECK_REPORT_READY',
    description: "Fires when a user's Check Report is ready; it stays retrievable for 24 hours.",
    keyFields: ['user_id'],
    documented: true,
    schema: CraUserCheckReportReadyWebhookSchema,
    sample: {
      webhook_type: 'CHECK_REPORT',
      webhook_code: 'USER_CHECK_REPORT_READY',
      user_id: USER_ID,
      successful_products: ['cra_base_report'],
      failed_products: ['cra_partner_insights'],
      item_ids: [ITEM_ID],
      environment: 'production',
    },
  }),

  // CRA_INCOME
  'CRA_INCOME.BANK_INCOME_COMPLETE': defineEntry({
    detailType: 'CRA_INCOME.BANK_INCOME_COMPLETE',
    description:
      'Fires when a CRA bank income report requested by /credit/bank_income/get has finished or failed.',
    keyFields: ['user_id'],
    documented: true,
    schema: CraBankIncomeCompleteWebhookSchema,
    sample: {
      webhook_type: 'CRA_INCOME',
      webhook_code: 'BANK_INCOME_COMPLETE',
      user_id: USER_ID,
      result: 'SUCCESS',
      environment: 'production',
    },
  }),
  'CRA_INCOME.ERROR': defineEntry({
    detailType: 'CRA_INCOME.ERROR',
    description: 'Fires when a CRA bank income report has failed to generate.',
    keyFields: ['user_id'],
    documented: true,
    schema: CraBankIncomeErrorWebhookSchema,
    sample: {
      webhook_type: 'CRA_INCOME',
      webhook_code: 'ERROR',
      user_id: USER_ID,
      environment: 'production',
    },
  }),

  // CRA_INSIGHTS
  'CRA_INSIGHTS.PARTNER_INSIGHTS_COMPLETE': defineEntry({
    detailType: 'CRA_INSIGHTS.PARTNER_INSIGHTS_COMPLETE',
    description:
      'Fires when a partner insights report has finished generating and its results are available.',
    keyFields: ['user_id'],
    documented: true,
    schema: CraPartnerInsightsCompleteWebhookSchema,
    sample: {
      webhook_type: 'CRA_INSIGHTS',
      webhook_code: 'PARTNER_INSIGHTS_COMPLETE',
      user_id: USER_ID,
      environment: 'production',
    },
  }),
  'CRA_INSIGHTS.PARTNER_INSIGHTS_ERROR': defineEntry({
    detailType: 'CRA_INSIGHTS.PARTNER_INSIGHTS_ERROR',
    description: 'Fires when a partner insights report has failed to generate.',
    keyFields: ['user_id'],
    documented: true,
    schema: CraPartnerInsightsErrorWebhookSchema,
    sample: {
      webhook_type: 'CRA_INSIGHTS',
      webhook_code: 'PARTNER_INSIGHTS_ERROR',
      user_id: USER_ID,
      environment: 'production',
    },
  }),

  // DASHBOARD_CONFIGURED_ALERT
  'DASHBOARD_CONFIGURED_ALERT.INSTITUTION_STATUS_ALERT_TRIGGERED': defineEntry({
    detailType: 'DASHBOARD_CONFIGURED_ALERT.INSTITUTION_STATUS_ALERT_TRIGGERED',
    description:
      'Fires when an institution status meets the alert conditions configured in the Plaid Dashboard.',
    keyFields: ['institution_id'],
    documented: true,
    schema: InstitutionStatusAlertWebhookSchema,
    sample: {
      webhook_type: 'DASHBOARD_CONFIGURED_ALERT',
      webhook_code: 'INSTITUTION_STATUS_ALERT_TRIGGERED',
      institution_id: 'ins_3',
      institution_overall_success_rate: 0.9,
      environment: 'production',
    },
  }),

  // ENTITY_SCREENING
  'ENTITY_SCREENING.STATUS_UPDATED': defineEntry({
    detailType: 'ENTITY_SCREENING.STATUS_UPDATED',
    description:
      'Fires when an entity screening status changes, manually in the dashboard or through ongoing monitoring.',
    keyFields: ['entity_screening_id'],
    documented: true,
    schema: EntityScreeningStatusUpdatedWebhookSchema,
    sample: {
      webhook_type: 'ENTITY_SCREENING',
      webhook_code: 'STATUS_UPDATED',
      entity_screening_id: 'entscr_52xR9LKo77r1Np',
      environment: 'production',
    },
  }),

  // HOLDINGS
  'HOLDINGS.DEFAULT_UPDATE': defineEntry({
    detailType: 'HOLDINGS.DEFAULT_UPDATE',
    description:
      'Fires when new or updated holdings are detected on an investment account, most often after market close.',
    keyFields: ['item_id'],
    documented: true,
    schema: HoldingsDefaultUpdateWebhookSchema,
    sample: {
      webhook_type: 'HOLDINGS',
      webhook_code: 'DEFAULT_UPDATE',
      item_id: 'wz666MBjYWTp2PDzzggYhM6oWWmBb',
      error: null,
      new_holdings: 19,
      updated_holdings: 0,
      environment: 'production',
    },
  }),

  // IDENTITY
  'IDENTITY.DEFAULT_UPDATE': defineEntry({
    detailType: 'IDENTITY.DEFAULT_UPDATE',
    description:
      "Fires when a change to an Item's identity data is detected (Items are checked every 30-90 days).",
    keyFields: ['item_id'],
    documented: true,
    schema: IdentityDefaultUpdateWebhookSchema,
    sample: {
      webhook_type: 'IDENTITY',
      webhook_code: 'DEFAULT_UPDATE',
      item_id: ITEM_ID,
      error: null,
      account_ids_with_updated_identity: { [ACCOUNT_ID]: ['ADDRESSES'] },
      environment: 'production',
    },
  }),
  'IDENTITY.PRODUCT_PERMISSIONS_REQUIRED': defineEntry({
    detailType: 'IDENTITY.PRODUCT_PERMISSIONS_REQUIRED',
    description:
      'Fires when Identity hits an ACCESS_NOT_GRANTED error, which update mode with identity in products resolves.',
    keyFields: ['item_id'],
    documented: true,
    schema: ProductPermissionsRequiredIdentityWebhookSchema,
    sample: {
      webhook_type: 'IDENTITY',
      webhook_code: 'PRODUCT_PERMISSIONS_REQUIRED',
      item_id: ITEM_ID,
      environment: 'production',
    },
  }),

  // IDENTITY_VERIFICATION
  'IDENTITY_VERIFICATION.RETRIED': defineEntry({
    detailType: 'IDENTITY_VERIFICATION.RETRIED',
    description: 'Fires when an identity verification is retried, from the dashboard or the API.',
    keyFields: ['identity_verification_id'],
    documented: true,
    schema: IdentityVerificationRetriedWebhookSchema,
    sample: {
      webhook_type: 'IDENTITY_VERIFICATION',
      webhook_code: 'RETRIED',
      identity_verification_id: 'idv_52xR9LKo77r1Np',
      environment: 'production',
    },
  }),
  'IDENTITY_VERIFICATION.STATUS_UPDATED': defineEntry({
    detailType: 'IDENTITY_VERIFICATION.STATUS_UPDATED',
    description:
      'Fires when the status of an identity verification is updated, from the dashboard or the API.',
    keyFields: ['identity_verification_id'],
    documented: true,
    schema: IdentityVerificationStatusUpdatedWebhookSchema,
    sample: {
      webhook_type: 'IDENTITY_VERIFICATION',
      webhook_code: 'STATUS_UPDATED',
      identity_verification_id: 'idv_52xR9LKo77r1Np',
      environment: 'production',
    },
  }),
  'IDENTITY_VERIFICATION.STEP_UPDATED': defineEntry({
    detailType: 'IDENTITY_VERIFICATION.STEP_UPDATED',
    description: 'Fires when an end user completes a step of the Identity Verification process.',
    keyFields: ['identity_verification_id'],
    documented: true,
    schema: IdentityVerificationStepUpdatedWebhookSchema,
    sample: {
      webhook_type: 'IDENTITY_VERIFICATION',
      webhook_code: 'STEP_UPDATED',
      identity_verification_id: 'idv_52xR9LKo77r1Np',
      environment: 'production',
    },
  }),

  // INCOME
  'INCOME.BANK_INCOME_COMPLETE': defineEntry({
    detailType: 'INCOME.BANK_INCOME_COMPLETE',
    description:
      'Fires when a bank income report requested by /credit/bank_income/get has finished or failed.',
    keyFields: ['user_id'],
    documented: true,
    schema: BankIncomeCompleteWebhookSchema,
    sample: {
      webhook_type: 'INCOME',
      webhook_code: 'BANK_INCOME_COMPLETE',
      user_id: USER_ID,
      result: 'SUCCESS',
      environment: 'production',
    },
  }),
  'INCOME.BANK_INCOME_REFRESH_COMPLETE': defineEntry({
    detailType: 'INCOME.BANK_INCOME_REFRESH_COMPLETE',
    description: 'Fires when a refreshed bank income report has finished or failed to generate.',
    keyFields: ['user_id'],
    documented: true,
    schema: BankIncomeRefreshCompleteWebhookSchema,
    sample: {
      webhook_type: 'INCOME',
      webhook_code: 'BANK_INCOME_REFRESH_COMPLETE',
      user_id: USER_ID,
      result: 'SUCCESS',
      environment: 'production',
    },
  }),
  'INCOME.BANK_INCOME_REFRESH_UPDATE': defineEntry({
    detailType: 'INCOME.BANK_INCOME_REFRESH_UPDATE',
    description: "Fires when a change to the user's bank income is detected.",
    keyFields: ['user_id'],
    documented: true,
    schema: BankIncomeRefreshUpdateWebhookSchema,
    sample: {
      webhook_type: 'INCOME',
      webhook_code: 'BANK_INCOME_REFRESH_UPDATE',
      user_id: USER_ID,
      environment: 'production',
    },
  }),
  'INCOME.INCOME_VERIFICATION': defineEntry({
    detailType: 'INCOME.INCOME_VERIFICATION',
    description: 'Fires when the status of a Document or Payroll income verification changes.',
    keyFields: ['item_id', 'user_id'],
    documented: true,
    schema: IncomeVerificationStatusWebhookSchema,
    sample: {
      webhook_type: 'INCOME',
      webhook_code: 'INCOME_VERIFICATION',
      item_id: ITEM_ID,
      user_id: USER_ID,
      verification_status: 'VERIFICATION_STATUS_PROCESSING_COMPLETE',
      environment: 'production',
    },
  }),
  'INCOME.INCOME_VERIFICATION_REFRESH_RECONNECT_NEEDED': defineEntry({
    detailType: 'INCOME.INCOME_VERIFICATION_REFRESH_RECONNECT_NEEDED',
    description:
      'Fires when a Payroll Income refresh failed because the user must reconnect their payroll account.',
    keyFields: ['user_id'],
    documented: true,
    schema: IncomeVerificationRefreshReconnectNeededWebhookSchema,
    sample: {
      webhook_type: 'INCOME',
      webhook_code: 'INCOME_VERIFICATION_REFRESH_RECONNECT_NEEDED',
      user_id: USER_ID,
      environment: 'production',
    },
  }),
  'INCOME.INCOME_VERIFICATION_RISK_SIGNALS': defineEntry({
    detailType: 'INCOME.INCOME_VERIFICATION_RISK_SIGNALS',
    description:
      'Fires when risk signals have been processed for documents uploaded through Document Income.',
    keyFields: ['item_id', 'user_id'],
    documented: true,
    schema: IncomeVerificationRiskSignalsStatusWebhookSchema,
    sample: {
      webhook_type: 'INCOME',
      webhook_code: 'INCOME_VERIFICATION_RISK_SIGNALS',
      item_id: ITEM_ID,
      user_id: USER_ID,
      risk_signals_status: 'PROCESSING_COMPLETE',
      environment: 'production',
    },
  }),
  'INCOME.PRODUCT_READY': defineEntry({
    detailType: 'INCOME.PRODUCT_READY',
    description: 'Fires once Plaid has calculated income from an Item.',
    keyFields: ['item_id'],
    documented: true,
    schema: ItemProductReadyWebhookSchema,
    sample: {
      webhook_type: 'INCOME',
      webhook_code: 'PRODUCT_READY',
      item_id: ITEM_ID,
      error: null,
      environment: 'production',
    },
  }),

  // INVESTMENTS_TRANSACTIONS
  'INVESTMENTS_TRANSACTIONS.DEFAULT_UPDATE': defineEntry({
    detailType: 'INVESTMENTS_TRANSACTIONS.DEFAULT_UPDATE',
    description:
      'Fires when new investment transactions are detected (the cancelled count may be spelled canceled_investments_transactions).',
    keyFields: ['item_id'],
    documented: true,
    schema: InvestmentsDefaultUpdateWebhookSchema,
    sample: {
      webhook_type: 'INVESTMENTS_TRANSACTIONS',
      webhook_code: 'DEFAULT_UPDATE',
      item_id: 'wz666MBjYWTp2PDzzggYhM6oWWmBb',
      error: null,
      new_investments_transactions: 16,
      canceled_investments_transactions: 0,
      environment: 'production',
    },
  }),
  'INVESTMENTS_TRANSACTIONS.HISTORICAL_UPDATE': defineEntry({
    detailType: 'INVESTMENTS_TRANSACTIONS.HISTORICAL_UPDATE',
    description:
      'Fires after an asynchronous extraction of an investments account (the cancelled count may be spelled canceled_investments_transactions).',
    keyFields: ['item_id'],
    documented: true,
    schema: InvestmentsHistoricalUpdateWebhookSchema,
    sample: {
      webhook_type: 'INVESTMENTS_TRANSACTIONS',
      webhook_code: 'HISTORICAL_UPDATE',
      item_id: ITEM_ID,
      error: null,
      new_investments_transactions: 142,
      cancelled_investments_transactions: 0,
      environment: 'production',
    },
  }),

  // ISSUES
  'ISSUES.ISSUE_RESOLVED': defineEntry({
    detailType: 'ISSUES.ISSUE_RESOLVED',
    description: 'Fires when an institution issue you subscribed to is marked as resolved.',
    keyFields: ['issue_id', 'institution_id'],
    documented: true,
    schema: IssueResolvedWebhookSchema,
    sample: {
      webhook_type: 'ISSUES',
      webhook_code: 'ISSUE_RESOLVED',
      issue_id: 'iss_8mSbK2u1PRcBd6',
      issue_description: 'Transactions for some Items at this institution were delayed.',
      issue_resolved_at: '2026-03-04T17:02:11Z',
      institution_id: 'ins_3',
      institution_name: 'Chase',
    },
  }),

  // ITEM
  'ITEM.ERROR': defineEntry({
    detailType: 'ITEM.ERROR',
    description: "Fires when an error is encountered with an Item; Link's update mode usually resolves it.",
    keyFields: ['item_id'],
    documented: true,
    schema: ItemErrorWebhookSchema,
    sample: {
      webhook_type: 'ITEM',
      webhook_code: 'ERROR',
      item_id: 'wz666MBjYWTp2PDzzggYhM6oWWmBb',
      error: {
        display_message: null,
        error_code: 'ITEM_LOGIN_REQUIRED',
        error_message:
          "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link's update mode to restore the item to a good state",
        error_type: 'ITEM_ERROR',
        status: 400,
      },
      environment: 'production',
    },
  }),
  'ITEM.LOGIN_REPAIRED': defineEntry({
    detailType: 'ITEM.LOGIN_REPAIRED',
    description:
      'Fires when an Item leaves ITEM_LOGIN_REQUIRED without going through update mode in your app.',
    keyFields: ['item_id'],
    documented: true,
    schema: ItemLoginRepairedWebhookSchema,
    sample: {
      webhook_type: 'ITEM',
      webhook_code: 'LOGIN_REPAIRED',
      item_id: ITEM_ID,
      environment: 'production',
    },
  }),
  'ITEM.NEW_ACCOUNTS_AVAILABLE': defineEntry({
    detailType: 'ITEM.NEW_ACCOUNTS_AVAILABLE',
    description: 'Fires when Plaid detects a new account that the user can share through update mode.',
    keyFields: ['item_id'],
    documented: true,
    schema: NewAccountsAvailableWebhookSchema,
    sample: {
      webhook_type: 'ITEM',
      webhook_code: 'NEW_ACCOUNTS_AVAILABLE',
      item_id: 'gAXlMgVEw5uEGoQnnXZ6tn9E7Mn3LBc4PJVKZ',
      error: null,
      environment: 'production',
    },
  }),
  'ITEM.PENDING_DISCONNECT': defineEntry({
    detailType: 'ITEM.PENDING_DISCONNECT',
    description: 'Fires 7 days before an Item is expected to be disconnected; update mode resolves it.',
    keyFields: ['item_id'],
    documented: true,
    schema: PendingDisconnectWebhookSchema,
    sample: {
      webhook_type: 'ITEM',
      webhook_code: 'PENDING_DISCONNECT',
      item_id: ITEM_ID,
      reason: 'INSTITUTION_TOKEN_EXPIRATION',
      disconnect_time: '2026-04-01T00:00:00Z',
      environment: 'production',
    },
  }),
  'ITEM.PENDING_EXPIRATION': defineEntry({
    detailType: 'ITEM.PENDING_EXPIRATION',
    description:
      "Fires when an Item's access consent expires in 7 days (European institutions and some others).",
    keyFields: ['item_id'],
    documented: true,
    schema: PendingExpirationWebhookSchema,
    sample: {
      webhook_type: 'ITEM',
      webhook_code: 'PENDING_EXPIRATION',
      item_id: 'wz666MBjYWTp2PDzzggYhM6oWWmBb',
      consent_expiration_time: '2020-01-15T13:25:17.766Z',
      environment: 'production',
    },
  }),
  'ITEM.USER_ACCOUNT_REVOKED': defineEntry({
    detailType: 'ITEM.USER_ACCOUNT_REVOKED',
    description: "Fires when the user revokes access to one account on the data provider's portal.",
    keyFields: ['item_id', 'account_id'],
    documented: true,
    schema: UserAccountRevokedWebhookSchema,
    sample: {
      webhook_type: 'ITEM',
      webhook_code: 'USER_ACCOUNT_REVOKED',
      item_id: ITEM_ID,
      account_id: ACCOUNT_ID,
      environment: 'production',
    },
  }),
  'ITEM.USER_PERMISSION_REVOKED': defineEntry({
    detailType: 'ITEM.USER_PERMISSION_REVOKED',
    description: 'Fires when the user revokes the permission they granted to access an Item.',
    keyFields: ['item_id'],
    documented: true,
    schema: UserPermissionRevokedWebhookSchema,
    sample: {
      webhook_type: 'ITEM',
      webhook_code: 'USER_PERMISSION_REVOKED',
      error: {
        error_code: 'USER_PERMISSION_REVOKED',
        error_message:
          'the holder of this account has revoked their permission for your application to access it',
        error_type: 'ITEM_ERROR',
        status: 400,
      },
      item_id: 'gAXlMgVEw5uEGoQnnXZ6tn9E7Mn3LBc4PJVKZ',
      environment: 'production',
    },
  }),
  'ITEM.WEBHOOK_UPDATE_ACKNOWLEDGED': defineEntry({
    detailType: 'ITEM.WEBHOOK_UPDATE_ACKNOWLEDGED',
    description: "Fires, to the new URL, when an Item's webhook URL is updated.",
    keyFields: ['item_id'],
    documented: true,
    schema: WebhookUpdateAcknowledgedWebhookSchema,
    sample: {
      webhook_type: 'ITEM',
      webhook_code: 'WEBHOOK_UPDATE_ACKNOWLEDGED',
      item_id: 'wz666MBjYWTp2PDzzggYhM6oWWmBb',
      error: null,
      new_webhook_url: 'https://plaid.com/example/webhook',
      environment: 'production',
    },
  }),

  // LAYER
  'LAYER.LAYER_AUTHENTICATION_PASSED': defineEntry({
    detailType: 'LAYER.LAYER_AUTHENTICATION_PASSED',
    description: 'Fires when Plaid has verified that a Layer user owns their phone number.',
    keyFields: ['link_session_id'],
    documented: true,
    schema: LayerAuthenticationPassedWebhookSchema,
    sample: {
      webhook_type: 'LAYER',
      webhook_code: 'LAYER_AUTHENTICATION_PASSED',
      link_session_id: LINK_SESSION_ID,
      link_token: LINK_TOKEN,
      environment: 'production',
    },
  }),

  // LIABILITIES
  'LIABILITIES.DEFAULT_UPDATE': defineEntry({
    detailType: 'LIABILITIES.DEFAULT_UPDATE',
    description: 'Fires when new or updated liabilities are detected on a liabilities Item.',
    keyFields: ['item_id'],
    documented: true,
    schema: LiabilitiesDefaultUpdateWebhookSchema,
    sample: {
      webhook_type: 'LIABILITIES',
      webhook_code: 'DEFAULT_UPDATE',
      item_id: 'wz666MBjYWTp2PDzzggYhM6oWWmBb',
      error: null,
      account_ids_with_new_liabilities: [
        'XMBvvyMGQ1UoLbKByoMqH3nXMj84ALSdE5B58',
        'BxBXxLj1m4HMXBm9WZZmCWVbPjX16EHwv99vp',
      ],
      account_ids_with_updated_liabilities: {
        XMBvvyMGQ1UoLbKByoMqH3nXMj84ALSdE5B58: ['past_amount_due'],
      },
      environment: 'production',
    },
  }),

  // LINK
  'LINK.EVENTS': defineEntry({
    detailType: 'LINK.EVENTS',
    description: 'Fires after a Link session ends (finished or abandoned) with a summary of its events.',
    keyFields: ['link_session_id'],
    documented: true,
    schema: LinkEventsWebhookSchema,
    sample: {
      webhook_type: 'LINK',
      webhook_code: 'EVENTS',
      link_session_id: LINK_SESSION_ID,
      link_token: LINK_TOKEN,
      events: [
        {
          event_name: 'OPEN',
          timestamp: '2026-03-04T17:00:01Z',
          event_id: '7f0c3a66-6c89-4b8d-a4e6-0c5d8f8b2a11',
          event_metadata: { request_id: 'KNqBzDe0aXYf9yq' },
        },
        {
          event_name: 'HANDOFF',
          timestamp: '2026-03-04T17:01:12Z',
          event_id: 'd6f2e4b8-2f1e-4e2b-9a55-3b8e1c6d9f22',
          event_metadata: { request_id: 'UcZu4sSn1wLn8hV' },
        },
      ],
    },
  }),
  'LINK.ITEM_ADD_RESULT': defineEntry({
    detailType: 'LINK.ITEM_ADD_RESULT',
    description:
      'Fires when a user adds an Item in a Hosted Link or Multi-Item Link session, with its public token.',
    keyFields: ['link_session_id'],
    documented: true,
    schema: ItemAddResultWebhookSchema,
    sample: {
      webhook_type: 'LINK',
      webhook_code: 'ITEM_ADD_RESULT',
      link_session_id: LINK_SESSION_ID,
      link_token: LINK_TOKEN,
      public_token: PUBLIC_TOKEN,
      environment: 'production',
    },
  }),
  'LINK.SESSION_FINISHED': defineEntry({
    detailType: 'LINK.SESSION_FINISHED',
    description: 'Fires when a Link session completes, with its status and any public tokens.',
    keyFields: ['link_session_id'],
    documented: true,
    schema: LinkSessionFinishedWebhookSchema,
    sample: {
      webhook_type: 'LINK',
      webhook_code: 'SESSION_FINISHED',
      status: 'SUCCESS',
      link_session_id: LINK_SESSION_ID,
      link_token: LINK_TOKEN,
      public_tokens: [PUBLIC_TOKEN],
      environment: 'production',
    },
  }),

  // LINK_DELIVERY
  'LINK_DELIVERY.DELIVERY_STATUS': defineEntry({
    detailType: 'LINK_DELIVERY.DELIVERY_STATUS',
    description: 'Fires with the delivery status of a Hosted Link session sent to a user by SMS or email.',
    keyFields: ['link_delivery_session_id'],
    documented: true,
    schema: LinkUserDeliveryStatusWebhookSchema,
    sample: {
      webhook_type: 'LINK_DELIVERY',
      webhook_code: 'DELIVERY_STATUS',
      link_delivery_session_id: '99a7c2c4-9b8f-4e9d-8e7b-3f0a2d1c5b6e',
      timestamp: '2026-03-04T17:00:00Z',
      link_delivery_metadata: { communication_method: 'SMS', delivery_status: 'SUCCESS' },
    },
  }),
  'LINK_DELIVERY.LINK_CALLBACK': defineEntry({
    detailType: 'LINK_DELIVERY.LINK_CALLBACK',
    description:
      'Fires with the metadata of a Link callback (onEvent, onExit, onSuccess) from a Hosted Link session.',
    keyFields: ['link_delivery_session_id'],
    documented: true,
    schema: LinkDeliveryCallbackWebhookSchema,
    sample: {
      webhook_type: 'LINK_DELIVERY',
      webhook_code: 'LINK_CALLBACK',
      link_delivery_session_id: '99a7c2c4-9b8f-4e9d-8e7b-3f0a2d1c5b6e',
      timestamp: '2026-03-04T17:02:00Z',
      link_callback_metadata: {
        callback_type: 'ON_SUCCESS',
        link_session_id: LINK_SESSION_ID,
        request_id: 'KNqBzDe0aXYf9yq',
        institution: { name: 'Chase', institution_id: 'ins_3' },
        accounts: [
          { id: ACCOUNT_ID, name: 'Plaid Checking', mask: '0000', type: 'depository', subtype: 'checking' },
        ],
      },
    },
  }),

  // PARTNER
  'PARTNER.END_CUSTOMER_OAUTH_STATUS_UPDATED': defineEntry({
    detailType: 'PARTNER.END_CUSTOMER_OAUTH_STATUS_UPDATED',
    description:
      "Fires when a partner's end customer's OAuth registration status with an institution changes.",
    keyFields: ['end_customer_client_id', 'institution_id'],
    documented: true,
    schema: PartnerEndCustomerOAuthStatusUpdatedWebhookSchema,
    sample: {
      webhook_type: 'PARTNER',
      webhook_code: 'END_CUSTOMER_OAUTH_STATUS_UPDATED',
      end_customer_client_id: '634758733ebb4f00134b85ea',
      institution_id: 'ins_127989',
      institution_name: 'Bank of America',
      status: 'approved',
      environment: 'production',
    },
  }),

  // PAYMENT_INITIATION
  'PAYMENT_INITIATION.CONSENT_STATUS_UPDATE': defineEntry({
    detailType: 'PAYMENT_INITIATION.CONSENT_STATUS_UPDATE',
    description: 'Fires when the status of a payment consent changes.',
    keyFields: ['consent_id'],
    documented: true,
    schema: PaymentInitiationConsentStatusUpdateWebhookSchema,
    sample: {
      webhook_type: 'PAYMENT_INITIATION',
      webhook_code: 'CONSENT_STATUS_UPDATE',
      consent_id: 'consent-id-production-feca8a7a-5591-4aef-9297-f3062bb735d3',
      old_status: 'UNAUTHORISED',
      new_status: 'AUTHORISED',
      timestamp: '2026-03-04T17:00:00Z',
      error: null,
      environment: 'production',
    },
  }),
  'PAYMENT_INITIATION.PAYMENT_STATUS_UPDATE': defineEntry({
    detailType: 'PAYMENT_INITIATION.PAYMENT_STATUS_UPDATE',
    description: 'Fires when the status of a payment changes.',
    keyFields: ['payment_id'],
    documented: true,
    schema: PaymentStatusUpdateWebhookSchema,
    sample: {
      webhook_type: 'PAYMENT_INITIATION',
      webhook_code: 'PAYMENT_STATUS_UPDATE',
      payment_id: 'payment-id-production-2ba30780-d549-4335-b1fe-c2a938aa39d2',
      transaction_id: null,
      new_payment_status: 'PAYMENT_STATUS_EXECUTED',
      old_payment_status: 'PAYMENT_STATUS_INITIATED',
      original_reference: 'Account Funding 99744',
      adjusted_reference: 'Account Funding 99',
      original_start_date: null,
      adjusted_start_date: null,
      timestamp: '2026-03-04T17:00:00Z',
      error: null,
      environment: 'production',
    },
  }),

  // PROCESSOR_TOKEN
  'PROCESSOR_TOKEN.WEBHOOK_UPDATE_ACKNOWLEDGED': defineEntry({
    detailType: 'PROCESSOR_TOKEN.WEBHOOK_UPDATE_ACKNOWLEDGED',
    description:
      "Fires, to processor partners only, when a processor token's webhook URL is updated (keyed by account_id).",
    keyFields: ['account_id'],
    documented: true,
    schema: ProcessorTokenWebhookUpdateSchema,
    sample: {
      webhook_type: 'PROCESSOR_TOKEN',
      webhook_code: 'WEBHOOK_UPDATE_ACKNOWLEDGED',
      account_id: ACCOUNT_ID,
      new_webhook_url: 'https://example.com/webhooks/plaid',
      error: null,
      environment: 'production',
    },
  }),

  // PROTECT
  'PROTECT.PROTECT_USER_EVENT': defineEntry({
    detailType: 'PROTECT.PROTECT_USER_EVENT',
    description: 'Fires when a new Protect user event occurs; /protect/event/get returns its details.',
    keyFields: ['event_id', 'user_id'],
    documented: true,
    schema: ProtectUserEventWebhookSchema,
    sample: {
      webhook_type: 'PROTECT',
      webhook_code: 'PROTECT_USER_EVENT',
      event_id: 'ptevt_7AJYTMFxRUgJ',
      event_type: 'user.sign_in',
      timestamp: '2026-03-04T17:00:00Z',
      user_id: USER_ID,
      client_user_id: 'customer-4711',
      link_session_id: null,
      environment: 'production',
    },
  }),

  // SCREENING
  'SCREENING.STATUS_UPDATED': defineEntry({
    detailType: 'SCREENING.STATUS_UPDATED',
    description:
      'Fires when an individual screening status changes, manually in the dashboard or through ongoing monitoring.',
    keyFields: ['screening_id'],
    documented: true,
    schema: ScreeningStatusUpdatedWebhookSchema,
    sample: {
      webhook_type: 'SCREENING',
      webhook_code: 'STATUS_UPDATED',
      screening_id: 'scr_52xR9LKo77r1Np',
      environment: 'production',
    },
  }),

  // STATEMENTS
  'STATEMENTS.STATEMENTS_REFRESH_COMPLETE': defineEntry({
    detailType: 'STATEMENTS.STATEMENTS_REFRESH_COMPLETE',
    description: 'Fires when a statements extraction started by /statements/refresh has completed or failed.',
    keyFields: ['item_id'],
    documented: true,
    schema: StatementsRefreshCompleteWebhookSchema,
    sample: {
      webhook_type: 'STATEMENTS',
      webhook_code: 'STATEMENTS_REFRESH_COMPLETE',
      item_id: ITEM_ID,
      result: 'SUCCESS',
      environment: 'production',
    },
  }),

  // TRANSACTIONS
  'TRANSACTIONS.DEFAULT_UPDATE': defineEntry({
    detailType: 'TRANSACTIONS.DEFAULT_UPDATE',
    description:
      'Fires when new transaction data is available for an Item; the processor-partner variant carries account_id instead of item_id.',
    keyFields: ['item_id', 'account_id'],
    documented: true,
    schema: DefaultUpdateWebhookSchema,
    sample: {
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'DEFAULT_UPDATE',
      item_id: ITEM_ID,
      error: null,
      new_transactions: 3,
      environment: 'production',
    },
  }),
  'TRANSACTIONS.HISTORICAL_UPDATE': defineEntry({
    detailType: 'TRANSACTIONS.HISTORICAL_UPDATE',
    description:
      "Fires when an Item's historical transaction pull has completed; the processor-partner variant carries account_id instead of item_id.",
    keyFields: ['item_id', 'account_id'],
    documented: true,
    schema: HistoricalUpdateWebhookSchema,
    sample: {
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'HISTORICAL_UPDATE',
      item_id: 'wz666MBjYWTp2PDzzggYhM6oWWmBb',
      error: null,
      new_transactions: 231,
      environment: 'production',
    },
  }),
  'TRANSACTIONS.INITIAL_UPDATE': defineEntry({
    detailType: 'TRANSACTIONS.INITIAL_UPDATE',
    description:
      "Fires when an Item's initial 30-day transaction pull has completed; the processor-partner variant carries account_id instead of item_id.",
    keyFields: ['item_id', 'account_id'],
    documented: true,
    schema: InitialUpdateWebhookSchema,
    sample: {
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'INITIAL_UPDATE',
      item_id: 'wz666MBjYWTp2PDzzggYhM6oWWmBb',
      error: null,
      new_transactions: 19,
      environment: 'production',
    },
  }),
  'TRANSACTIONS.RECURRING_TRANSACTIONS_UPDATE': defineEntry({
    detailType: 'TRANSACTIONS.RECURRING_TRANSACTIONS_UPDATE',
    description:
      'Fires when recurring transaction streams are detected or updated; the processor-partner variant carries account_id instead of item_id.',
    keyFields: ['item_id', 'account_id'],
    documented: true,
    schema: RecurringTransactionsUpdateWebhookSchema,
    sample: {
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'RECURRING_TRANSACTIONS_UPDATE',
      item_id: 'wz666MBjYWTp2PDzzggYhM6oWWmBb',
      account_ids: ['lPNjeW1nR6CDn5okmGQ6hEpMo4lLNoSrzqDje', 'lPNjeW1nR6CDn5okmGQ6hEpMo4lLNoSrzqDff'],
      environment: 'production',
    },
  }),
  'TRANSACTIONS.SYNC_UPDATES_AVAILABLE': defineEntry({
    detailType: 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
    description:
      "Fires when an Item's transactions change and /transactions/sync has updates; the processor-partner variant carries account_id instead of item_id.",
    keyFields: ['item_id', 'account_id'],
    documented: true,
    schema: SyncUpdatesAvailableWebhookSchema,
    sample: {
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'SYNC_UPDATES_AVAILABLE',
      item_id: 'wz666MBjYWTp2PDzzggYhM6oWWmBb',
      initial_update_complete: true,
      historical_update_complete: false,
      environment: 'production',
    },
  }),
  'TRANSACTIONS.TRANSACTIONS_REMOVED': defineEntry({
    detailType: 'TRANSACTIONS.TRANSACTIONS_REMOVED',
    description:
      'Fires when transactions of an Item are deleted, listing their ids; the processor-partner variant carries account_id instead of item_id.',
    keyFields: ['item_id', 'account_id'],
    documented: true,
    schema: TransactionsRemovedWebhookSchema,
    sample: {
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'TRANSACTIONS_REMOVED',
      item_id: 'wz666MBjYWTp2PDzzggYhM6oWWmBb',
      removed_transactions: [
        'yBVBEwrPyJs8GvR77N7QTxnGg6wG74H7dEDN6',
        'kgygNvAVPzSX9KkddNdWHaVGRVex1MHm3k9no',
      ],
      error: null,
      environment: 'production',
    },
  }),

  // TRANSFER
  'TRANSFER.PLATFORM_ONBOARDING_UPDATE': defineEntry({
    detailType: 'TRANSFER.PLATFORM_ONBOARDING_UPDATE',
    description:
      'Fires when the onboarding status of an originator changes; /transfer/originator/get has the details.',
    keyFields: ['originator_client_id'],
    documented: true,
    schema: TransferPlatformOnboardingUpdateWebhookSchema,
    sample: {
      webhook_type: 'TRANSFER',
      webhook_code: 'PLATFORM_ONBOARDING_UPDATE',
      originator_client_id: '6a65dh3d1h0d1027121ak184',
      environment: 'production',
    },
  }),
  'TRANSFER.RECURRING_CANCELLED': defineEntry({
    detailType: 'TRANSFER.RECURRING_CANCELLED',
    description: 'Fires when Plaid cancels a recurring transfer.',
    keyFields: ['recurring_transfer_id'],
    documented: true,
    schema: RecurringCancelledWebhookSchema,
    sample: {
      webhook_type: 'TRANSFER',
      webhook_code: 'RECURRING_CANCELLED',
      recurring_transfer_id: '460cbe92-2dcc-8eae-5ad6-b37d0ec90fd9',
      environment: 'production',
    },
  }),
  'TRANSFER.RECURRING_NEW_TRANSFER': defineEntry({
    detailType: 'TRANSFER.RECURRING_NEW_TRANSFER',
    description: 'Fires when a new transfer of a recurring transfer is originated.',
    keyFields: ['recurring_transfer_id', 'transfer_id'],
    documented: true,
    schema: RecurringNewTransferWebhookSchema,
    sample: {
      webhook_type: 'TRANSFER',
      webhook_code: 'RECURRING_NEW_TRANSFER',
      recurring_transfer_id: '460cbe92-2dcc-8eae-5ad6-b37d0ec90fd9',
      transfer_id: '271ef220-dbf8-caeb-a7dc-a2b3e8a80963',
      environment: 'production',
    },
  }),
  'TRANSFER.RECURRING_TRANSFER_SKIPPED': defineEntry({
    detailType: 'TRANSFER.RECURRING_TRANSFER_SKIPPED',
    description:
      'Fires when Plaid cannot originate the next transfer of a recurring transfer on its planned date.',
    keyFields: ['recurring_transfer_id'],
    documented: true,
    schema: RecurringTransferSkippedWebhookSchema,
    sample: {
      webhook_type: 'TRANSFER',
      webhook_code: 'RECURRING_TRANSFER_SKIPPED',
      recurring_transfer_id: '460cbe92-2dcc-8eae-5ad6-b37d0ec90fd9',
      authorization_decision: 'declined',
      authorization_decision_rationale_code: 'NSF',
      skipped_origination_date: '2026-03-05',
      environment: 'production',
    },
  }),
  'TRANSFER.TRANSFER_EVENTS_UPDATE': defineEntry({
    detailType: 'TRANSFER.TRANSFER_EVENTS_UPDATE',
    description:
      'Fires when new transfer events are available from /transfer/event/sync (at most once a minute).',
    keyFields: ['environment'],
    documented: true,
    schema: TransferEventsUpdateWebhookSchema,
    sample: {
      webhook_type: 'TRANSFER',
      webhook_code: 'TRANSFER_EVENTS_UPDATE',
      environment: 'production',
    },
  }),

  // WALLET
  'WALLET.WALLET_TRANSACTION_STATUS_UPDATE': defineEntry({
    detailType: 'WALLET.WALLET_TRANSACTION_STATUS_UPDATE',
    description: 'Fires when the status of a wallet transaction changes.',
    keyFields: ['transaction_id', 'wallet_id'],
    documented: true,
    schema: WalletTransactionStatusUpdateWebhookSchema,
    sample: {
      webhook_type: 'WALLET',
      webhook_code: 'WALLET_TRANSACTION_STATUS_UPDATE',
      transaction_id: 'wallet-transaction-id-production-53e58b32-fc1c-46fe-bbd6-e584b27a88',
      payment_id: 'payment-id-production-2ba30780-d549-4335-b1fe-c2a938aa39d2',
      wallet_id: 'wallet-id-production-53e58b32-fc1c-46fe-bbd6-e584b27a88',
      new_status: 'SETTLED',
      old_status: 'INITIATED',
      timestamp: '2026-03-04T17:00:00Z',
      failure_reason: null,
      error: null,
      environment: 'production',
    },
  }),
} as const satisfies Record<string, CatalogEntry>;

/** A Plaid EventBridge detail-type, `<webhook_type>.<webhook_code>`. */
export type PlaidDetailType = keyof typeof PLAID_CATALOG;

/** Every Plaid detail-type the pipeline knows. */
export const PLAID_DETAIL_TYPES: readonly PlaidDetailType[] = Object.freeze(
  Object.keys(PLAID_CATALOG) as PlaidDetailType[],
);

/** The parsed payload of the Plaid webhook published under detail-type `T`. */
export type PlaidWebhookOf<T extends PlaidDetailType> = z.infer<(typeof PLAID_CATALOG)[T]['schema']>;

/**
 * Any known Plaid webhook: dispatched on `webhook_type`, then on `webhook_code` for types with several codes.
 * Routing on the type first matters because codes such as `ERROR` or `DEFAULT_UPDATE` repeat across types.
 */
export const PlaidWebhookSchema = z.discriminatedUnion('webhook_type', [
  z.discriminatedUnion('webhook_code', [AssetsErrorWebhookSchema, AssetsProductReadyWebhookSchema]),
  z.discriminatedUnion('webhook_code', [
    AutomaticallyVerifiedWebhookSchema,
    AuthDefaultUpdateWebhookSchema,
    ProductPermissionsRequiredAuthWebhookSchema,
    HostedMMDVerificationWebhookSchema,
    VerificationExpiredWebhookSchema,
  ]),
  BankTransfersEventsUpdateWebhookSchema,
  BaseReportsErrorWebhookSchema,
  z.discriminatedUnion('webhook_code', [
    BeaconDuplicateDetectedWebhookSchema,
    BeaconReportCreatedWebhookSchema,
    BeaconReportSyndicationCreatedWebhookSchema,
    BeaconReportUpdatedWebhookSchema,
    BeaconUserStatusUpdatedWebhookSchema,
  ]),
  z.discriminatedUnion('webhook_code', [
    CashFlowUpdatesInsightsV2WebhookSchema,
    CashFlowUpdatesExpectedDepositMissedWebhookSchema,
    CashFlowUpdatesInsightsWebhookSchema,
    CashFlowUpdatesLargeDepositWebhookSchema,
    CashFlowUpdatesLowBalanceWebhookSchema,
    CashFlowUpdatesNewIncomeStreamWebhookSchema,
    CashFlowUpdatesNewLoanPaymentWebhookSchema,
    CashFlowUpdatesNSFWebhookSchema,
  ]),
  z.discriminatedUnion('webhook_code', [
    CraCheckReportFailedWebhookSchema,
    CraCheckReportReadyWebhookSchema,
    CraUpgradeFailedWebhookSchema,
    CraUserCheckReportFailedWebhookSchema,
    CraUserCheckReportReadyWebhookSchema,
  ]),
  z.discriminatedUnion('webhook_code', [CraBankIncomeCompleteWebhookSchema, CraBankIncomeErrorWebhookSchema]),
  z.discriminatedUnion('webhook_code', [
    CraPartnerInsightsCompleteWebhookSchema,
    CraPartnerInsightsErrorWebhookSchema,
  ]),
  InstitutionStatusAlertWebhookSchema,
  EntityScreeningStatusUpdatedWebhookSchema,
  HoldingsDefaultUpdateWebhookSchema,
  z.discriminatedUnion('webhook_code', [
    IdentityDefaultUpdateWebhookSchema,
    ProductPermissionsRequiredIdentityWebhookSchema,
  ]),
  z.discriminatedUnion('webhook_code', [
    IdentityVerificationRetriedWebhookSchema,
    IdentityVerificationStatusUpdatedWebhookSchema,
    IdentityVerificationStepUpdatedWebhookSchema,
  ]),
  z.discriminatedUnion('webhook_code', [
    BankIncomeCompleteWebhookSchema,
    BankIncomeRefreshCompleteWebhookSchema,
    BankIncomeRefreshUpdateWebhookSchema,
    IncomeVerificationStatusWebhookSchema,
    IncomeVerificationRefreshReconnectNeededWebhookSchema,
    IncomeVerificationRiskSignalsStatusWebhookSchema,
    ItemProductReadyWebhookSchema,
  ]),
  z.discriminatedUnion('webhook_code', [
    InvestmentsDefaultUpdateWebhookSchema,
    InvestmentsHistoricalUpdateWebhookSchema,
  ]),
  IssueResolvedWebhookSchema,
  z.discriminatedUnion('webhook_code', [
    ItemErrorWebhookSchema,
    ItemLoginRepairedWebhookSchema,
    NewAccountsAvailableWebhookSchema,
    PendingDisconnectWebhookSchema,
    PendingExpirationWebhookSchema,
    UserAccountRevokedWebhookSchema,
    UserPermissionRevokedWebhookSchema,
    WebhookUpdateAcknowledgedWebhookSchema,
  ]),
  LayerAuthenticationPassedWebhookSchema,
  LiabilitiesDefaultUpdateWebhookSchema,
  z.discriminatedUnion('webhook_code', [
    LinkEventsWebhookSchema,
    ItemAddResultWebhookSchema,
    LinkSessionFinishedWebhookSchema,
  ]),
  z.discriminatedUnion('webhook_code', [
    LinkUserDeliveryStatusWebhookSchema,
    LinkDeliveryCallbackWebhookSchema,
  ]),
  PartnerEndCustomerOAuthStatusUpdatedWebhookSchema,
  z.discriminatedUnion('webhook_code', [
    PaymentInitiationConsentStatusUpdateWebhookSchema,
    PaymentStatusUpdateWebhookSchema,
  ]),
  ProcessorTokenWebhookUpdateSchema,
  ProtectUserEventWebhookSchema,
  ScreeningStatusUpdatedWebhookSchema,
  StatementsRefreshCompleteWebhookSchema,
  z.discriminatedUnion('webhook_code', [
    DefaultUpdateWebhookSchema,
    HistoricalUpdateWebhookSchema,
    InitialUpdateWebhookSchema,
    RecurringTransactionsUpdateWebhookSchema,
    SyncUpdatesAvailableWebhookSchema,
    TransactionsRemovedWebhookSchema,
  ]),
  z.discriminatedUnion('webhook_code', [
    TransferPlatformOnboardingUpdateWebhookSchema,
    RecurringCancelledWebhookSchema,
    RecurringNewTransferWebhookSchema,
    RecurringTransferSkippedWebhookSchema,
    TransferEventsUpdateWebhookSchema,
  ]),
  WalletTransactionStatusUpdateWebhookSchema,
]);
export type PlaidWebhook = z.infer<typeof PlaidWebhookSchema>;

/** The two fields every Plaid webhook carries; enough to look the payload up in the catalogue. */
export const PlaidEnvelopeSchema = z.looseObject({
  webhook_type: z.string().min(1),
  webhook_code: z.string().min(1),
});
export type PlaidEnvelope = z.infer<typeof PlaidEnvelopeSchema>;

/**
 * The EventBridge detail-type of a Plaid webhook.
 *
 * @param webhookType - the payload's `webhook_type`, e.g. `TRANSACTIONS`
 * @param webhookCode - the payload's `webhook_code`, e.g. `SYNC_UPDATES_AVAILABLE`
 * @returns `<webhookType>.<webhookCode>`, e.g. `TRANSACTIONS.SYNC_UPDATES_AVAILABLE`
 */
export const plaidDetailType = (webhookType: string, webhookCode: string): string =>
  `${webhookType}.${webhookCode}`;

export type { PlaidError } from './common.js';
