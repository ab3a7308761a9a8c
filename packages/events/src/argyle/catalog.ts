import * as z from 'zod';
import { type CatalogEntry, defineEntry } from '../catalog-entry.js';
import {
  AccountsAddedWebhookSchema,
  AccountsConnectedWebhookSchema,
  AccountsFailedWebhookSchema,
  AccountsRemovedWebhookSchema,
  AccountsUpdatedWebhookSchema,
} from './webhooks/accounts.js';
import {
  DepositDestinationsAddedWebhookSchema,
  DepositDestinationsRemovedWebhookSchema,
  DepositDestinationsUpdatedWebhookSchema,
} from './webhooks/deposit-destinations.js';
import {
  DirectDepositSwitchesCompletedWebhookSchema,
  DirectDepositSwitchesFailedWebhookSchema,
} from './webhooks/direct-deposit-switches.js';
import {
  GigsAddedWebhookSchema,
  GigsFullySyncedWebhookSchema,
  GigsPartiallySyncedWebhookSchema,
  GigsRemovedWebhookSchema,
  GigsUpdatedWebhookSchema,
} from './webhooks/gigs.js';
import { IdentitiesAddedWebhookSchema, IdentitiesUpdatedWebhookSchema } from './webhooks/identities.js';
import { ItemsRemovedWebhookSchema, ItemsUpdatedWebhookSchema } from './webhooks/items.js';
import {
  PayrollDocumentsAddedWebhookSchema,
  PayrollDocumentsOcrCompletedWebhookSchema,
  PayrollDocumentsOcrFailedWebhookSchema,
  PayrollDocumentsRemovedWebhookSchema,
  PayrollDocumentsUpdatedWebhookSchema,
} from './webhooks/payroll-documents.js';
import {
  PaystubsAddedWebhookSchema,
  PaystubsFullySyncedWebhookSchema,
  PaystubsPartiallySyncedWebhookSchema,
  PaystubsUpdatedWebhookSchema,
} from './webhooks/paystubs.js';
import { RatingsAddedWebhookSchema, RatingsUpdatedWebhookSchema } from './webhooks/ratings.js';
import { ReportsGeneratedWebhookSchema, ReportsReadyWebhookSchema } from './webhooks/reports.js';
import {
  ShiftsAddedWebhookSchema,
  ShiftsFullySyncedWebhookSchema,
  ShiftsPartiallySyncedWebhookSchema,
  ShiftsRemovedWebhookSchema,
  ShiftsUpdatedWebhookSchema,
} from './webhooks/shifts.js';
import { UserFormsRemovedWebhookSchema, UserFormsSubmittedWebhookSchema } from './webhooks/user-forms.js';
import {
  UserUploadsAddedWebhookSchema,
  UserUploadsOcrAuthenticityWebhookSchema,
  UserUploadsOcrCompletedWebhookSchema,
  UserUploadsOcrFailedWebhookSchema,
  UserUploadsRemovedWebhookSchema,
} from './webhooks/user-uploads.js';
import { UsersFullySyncedWebhookSchema } from './webhooks/users.js';
import {
  VehiclesAddedWebhookSchema,
  VehiclesRemovedWebhookSchema,
  VehiclesUpdatedWebhookSchema,
} from './webhooks/vehicles.js';
import {
  VerificationsConnectionAddedWebhookSchema,
  VerificationsCreationFailedWebhookSchema,
  VerificationsUpdatedWebhookSchema,
} from './webhooks/verifications.js';

// Ids shared by the samples, so one sample's account matches another's user across the catalogue.
const SUBSCRIPTION = 'name-for-the-webhook-subscription';
const ACCOUNT = '0187c66e-e7e5-811c-b006-2232f00f426a';
const USER = '018051aa-f7a9-a0db-2f38-6cfa325e9d69';
const UNPUBLISHED = 'Argyle does not publish the payload shape, so any object is accepted as data.';

/**
 * Every Argyle v2 webhook (the 51 events of the webhook-management API), keyed by event name, which is
 * also its EventBridge detail-type.
 */
export const ARGYLE_CATALOG = {
  'users.fully_synced': defineEntry({
    detailType: 'users.fully_synced',
    description:
      'Sent when data retrieval has finished for every account a user connected (at least one connected), and again when a later account finishes.',
    keyFields: ['data.user'],
    documented: true,
    schema: UsersFullySyncedWebhookSchema,
    sample: {
      event: 'users.fully_synced',
      name: SUBSCRIPTION,
      data: {
        user: USER,
        resource: {
          id: USER,
          accounts_connected: [ACCOUNT, '0185a8b8-60eb-80ca-7482-5f24504573f7'],
          items_connected: ['item_000000001', 'item_000000002'],
          employers_connected: ['Whole Goods', 'Bullseye'],
          external_metadata: {},
          external_id: 'July_Connection',
          created_at: '2023-04-27T07:02:01.279Z',
        },
      },
    },
  }),

  'accounts.added': defineEntry({
    detailType: 'accounts.added',
    description: 'Sent when a user submits login credentials in Link and a new account is created.',
    keyFields: ['data.account', 'data.user'],
    documented: true,
    schema: AccountsAddedWebhookSchema,
    sample: {
      event: 'accounts.added',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        resource: {
          id: ACCOUNT,
          user: USER,
          employers: ['Whole Goods'],
          item: 'item_000000001',
          source: 'thepayrollcompany',
          created_at: '2023-01-30T12:53:22.561Z',
          updated_at: '2023-01-30T12:53:23.123Z',
          scanned_at: null,
          connection: {
            status: 'connecting',
            error_code: null,
            error_message: null,
            updated_at: '2023-01-30T12:53:23.123Z',
          },
          direct_deposit_switch: {
            status: 'idle',
            error_code: null,
            error_message: null,
            updated_at: '2023-01-30T12:53:23.123Z',
          },
          availability: {
            shifts: null,
            gigs: null,
            paystubs: null,
            payroll_documents: null,
            identities: null,
            ratings: null,
            vehicles: null,
            deposit_destinations: null,
            user_forms: null,
            user_uploads: null,
          },
          ongoing_refresh: { status: 'idle' },
        },
      },
    },
  }),

  'accounts.updated': defineEntry({
    detailType: 'accounts.updated',
    description:
      'Sent when any property of an account changes, often during the first sync and whenever accounts.connected or accounts.failed fires.',
    keyFields: ['data.account', 'data.user'],
    documented: true,
    schema: AccountsUpdatedWebhookSchema,
    sample: {
      event: 'accounts.updated',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        resource: {
          id: ACCOUNT,
          user: USER,
          employers: ['Whole Goods'],
          item: 'item_000000001',
          source: 'thepayrollcompany',
          created_at: '2023-01-30T12:53:22.561Z',
          updated_at: '2023-01-30T12:55:41.402Z',
          scanned_at: '2023-01-30T12:55:40.918Z',
          connection: {
            status: 'connected',
            error_code: null,
            error_message: null,
            updated_at: '2023-01-30T12:53:30.458Z',
          },
          direct_deposit_switch: {
            status: 'idle',
            error_code: null,
            error_message: null,
            updated_at: '2023-01-30T12:53:23.123Z',
          },
          availability: {
            gigs: {
              status: 'in_progress',
              updated_at: '2023-01-30T12:55:40.918Z',
              available_count: 0,
              available_from: null,
              available_to: null,
            },
            paystubs: {
              status: 'in_progress',
              updated_at: '2023-01-30T12:55:41.120Z',
              available_count: 16,
              available_from: '2022-10-05T00:00:00Z',
              available_to: '2023-01-25T00:00:00Z',
            },
            payroll_documents: { status: 'synced', updated_at: '2023-01-30T12:54:02.752Z' },
            identities: { status: 'synced', updated_at: '2023-01-30T12:54:03.844Z' },
            ratings: { status: 'synced', updated_at: '2023-01-30T12:54:01.474Z' },
            vehicles: { status: 'synced', updated_at: '2023-01-30T12:54:02.752Z' },
            deposit_destinations: { status: 'synced', updated_at: '2023-01-30T12:53:59.723Z' },
            user_forms: null,
          },
          ongoing_refresh: { status: 'enabled' },
        },
      },
    },
  }),

  'accounts.removed': defineEntry({
    detailType: 'accounts.removed',
    description: 'Sent when an account is removed.',
    keyFields: ['data.account', 'data.user'],
    documented: true,
    schema: AccountsRemovedWebhookSchema,
    sample: {
      event: 'accounts.removed',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER },
    },
  }),

  'accounts.connected': defineEntry({
    detailType: 'accounts.connected',
    description:
      'Sent when a user authenticates an account in Link successfully, including on re-authentication.',
    keyFields: ['data.account', 'data.user'],
    documented: true,
    schema: AccountsConnectedWebhookSchema,
    sample: {
      event: 'accounts.connected',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER },
    },
  }),

  'accounts.failed': defineEntry({
    detailType: 'accounts.failed',
    description: 'Sent when an account connection fails, with the connection error code and message.',
    keyFields: ['data.account', 'data.user', 'data.error_code'],
    documented: true,
    schema: AccountsFailedWebhookSchema,
    sample: {
      event: 'accounts.failed',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        error_code: 'invalid_mfa',
        error_message: 'This user did not provide the correct multi-factor authentication response.',
      },
    },
  }),

  'items.updated': defineEntry({
    detailType: 'items.updated',
    description:
      'Sent when any property of a subscribed Item changes (only for the Item ids listed in the subscription config).',
    keyFields: ['data.item', 'data.status'],
    documented: true,
    schema: ItemsUpdatedWebhookSchema,
    sample: {
      event: 'items.updated',
      name: 'name-for-the-webhook-subscription',
      data: {
        item: 'item_000000001',
        name: 'Whole Goods',
        status: 'issues',
        status_details:
          'We have identified issues with the underlying platform. We are actively investigating and will provide an update by May 25, 16:00 UTC at the latest.',
        mapping_status: 'verified',
        known_limitations: 'First 5 digits of SSN obfuscated.',
        logo_url: 'argyle.com/image-holdings',
      },
    },
  }),

  'items.removed': defineEntry({
    detailType: 'items.removed',
    description: 'Sent when a subscribed Item is deleted and removed from Link.',
    keyFields: ['data.item'],
    documented: true,
    schema: ItemsRemovedWebhookSchema,
    sample: {
      event: 'items.removed',
      name: 'name-for-the-webhook-subscription',
      data: {
        item: 'item_000000001',
      },
    },
  }),

  'identities.added': defineEntry({
    detailType: 'identities.added',
    description: 'Sent when identity data is first retrieved for an account.',
    keyFields: ['data.account', 'data.identity'],
    documented: true,
    schema: IdentitiesAddedWebhookSchema,
    sample: {
      event: 'identities.added',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, identity: '8921e31b-df45-3fff-9d0c-1e769fb92082' },
    },
  }),

  'identities.updated': defineEntry({
    detailType: 'identities.updated',
    description: "Sent when an account's identity data changes.",
    keyFields: ['data.account', 'data.identity'],
    documented: true,
    schema: IdentitiesUpdatedWebhookSchema,
    sample: {
      event: 'identities.updated',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, identity: '8921e31b-df45-3fff-9d0c-1e769fb92082' },
    },
  }),

  'paystubs.added': defineEntry({
    detailType: 'paystubs.added',
    description: 'Sent when a data refresh (not the first sync) finds new paystubs on an account.',
    keyFields: ['data.account', 'data.user'],
    documented: true,
    schema: PaystubsAddedWebhookSchema,
    sample: {
      event: 'paystubs.added',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        available_from: '2019-03-15T00:00:00Z',
        available_to: '2023-03-03T00:00:00Z',
        available_count: 104,
        added_count: 1,
        added_from: '2023-03-03T00:00:00Z',
        added_to: '2023-03-03T00:00:00Z',
      },
    },
  }),

  'paystubs.updated': defineEntry({
    detailType: 'paystubs.updated',
    description: `Sent when existing paystubs of an account change; ${UNPUBLISHED}`,
    keyFields: ['data.account', 'data.user'],
    documented: false,
    schema: PaystubsUpdatedWebhookSchema,
    sample: {
      event: 'paystubs.updated',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        available_from: '2019-03-15T00:00:00Z',
        available_to: '2023-03-03T00:00:00Z',
        available_count: 104,
        updated_count: 1,
        updated_paystubs: ['0187b43a-35fa-56e2-1a95-f7e4232a4b3a'],
        updated_from: '2023-02-17T00:00:00Z',
        updated_to: '2023-02-17T00:00:00Z',
      },
    },
  }),

  'paystubs.partially_synced': defineEntry({
    detailType: 'paystubs.partially_synced',
    description:
      'Sent during the first sync once the subscribed number of days of paystubs (config.days_synced, default 30) is available.',
    keyFields: ['data.account', 'data.user', 'data.days_synced'],
    documented: true,
    schema: PaystubsPartiallySyncedWebhookSchema,
    sample: {
      event: 'paystubs.partially_synced',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        available_from: '2025-03-05T00:00:00Z',
        available_to: '2025-06-18T00:00:00Z',
        available_count: 16,
        days_synced: 110,
      },
    },
  }),

  'paystubs.fully_synced': defineEntry({
    detailType: 'paystubs.fully_synced',
    description: 'Sent when all available paystubs of an account have been retrieved.',
    keyFields: ['data.account', 'data.user'],
    documented: true,
    schema: PaystubsFullySyncedWebhookSchema,
    sample: {
      event: 'paystubs.fully_synced',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        available_from: '2022-04-26T17:13:07Z',
        available_to: '2025-03-25T00:00:00Z',
        available_count: 153,
      },
    },
  }),

  'gigs.added': defineEntry({
    detailType: 'gigs.added',
    description: 'Sent when a data refresh finds new gigs on an account.',
    keyFields: ['data.account', 'data.user'],
    documented: true,
    schema: GigsAddedWebhookSchema,
    sample: {
      event: 'gigs.added',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        available_from: '2016-04-16T05:32:41Z',
        available_to: '2023-03-03T00:00:00Z',
        available_count: 2385,
        added_count: 6,
        added_from: '2023-03-02T00:00:00Z',
        added_to: '2023-03-03T00:00:00Z',
      },
    },
  }),

  'gigs.updated': defineEntry({
    detailType: 'gigs.updated',
    description: 'Sent when existing gigs of an account change, listing the changed gig ids.',
    keyFields: ['data.account', 'data.updated_gigs'],
    documented: true,
    schema: GigsUpdatedWebhookSchema,
    sample: {
      event: 'gigs.updated',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        available_from: '2016-04-16T05:32:41Z',
        available_to: '2023-03-03T00:00:00Z',
        available_count: 2385,
        updated_count: 2,
        updated_gigs: ['0187b43a-35fa-56e2-1a95-f7e4232a4b3a', '0187dbfa-6f5e-a33a-af26-7e12ff408fea'],
        updated_from: '2023-03-02T00:00:00Z',
        updated_to: '2023-03-03T00:00:00Z',
      },
    },
  }),

  'gigs.removed': defineEntry({
    detailType: 'gigs.removed',
    description: 'Sent when gigs are removed from an account, listing the removed gig ids.',
    keyFields: ['data.account', 'data.removed_gigs'],
    documented: true,
    schema: GigsRemovedWebhookSchema,
    sample: {
      event: 'gigs.removed',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        available_from: '2016-04-16T05:32:41Z',
        available_to: '2023-03-02T00:00:00Z',
        available_count: 2383,
        removed_count: 2,
        removed_gigs: ['0187b43a-35fa-56e2-1a95-f7e4232a4b3a', '0187dbfa-6f5e-a33a-af26-7e12ff408fea'],
        removed_from: '2023-03-02T00:00:00Z',
        removed_to: '2023-03-03T00:00:00Z',
      },
    },
  }),

  'gigs.partially_synced': defineEntry({
    detailType: 'gigs.partially_synced',
    description:
      'Sent during the first sync once the subscribed number of days of gigs (config.days_synced) is available.',
    keyFields: ['data.account', 'data.user', 'data.days_synced'],
    documented: true,
    schema: GigsPartiallySyncedWebhookSchema,
    sample: {
      event: 'gigs.partially_synced',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        available_from: '2023-01-02T00:00:00Z',
        available_to: '2023-03-03T00:00:00Z',
        available_count: 132,
        days_synced: 60,
      },
    },
  }),

  'gigs.fully_synced': defineEntry({
    detailType: 'gigs.fully_synced',
    description: 'Sent when all available gigs of an account have been retrieved.',
    keyFields: ['data.account', 'data.user'],
    documented: true,
    schema: GigsFullySyncedWebhookSchema,
    sample: {
      event: 'gigs.fully_synced',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        available_from: '2016-04-16T05:32:41Z',
        available_to: '2023-03-02T00:00:00Z',
        available_count: 2379,
      },
    },
  }),

  'shifts.added': defineEntry({
    detailType: 'shifts.added',
    description: `Sent when a data refresh finds new shifts on an account; ${UNPUBLISHED}`,
    keyFields: ['data.account', 'data.user'],
    documented: false,
    schema: ShiftsAddedWebhookSchema,
    sample: {
      event: 'shifts.added',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        available_from: '2022-06-01T08:00:00Z',
        available_to: '2023-03-03T17:00:00Z',
        available_count: 212,
        added_count: 3,
        added_from: '2023-03-01T08:00:00Z',
        added_to: '2023-03-03T17:00:00Z',
      },
    },
  }),

  'shifts.updated': defineEntry({
    detailType: 'shifts.updated',
    description: `Sent when existing shifts of an account change; ${UNPUBLISHED}`,
    keyFields: ['data.account', 'data.user'],
    documented: false,
    schema: ShiftsUpdatedWebhookSchema,
    sample: {
      event: 'shifts.updated',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        available_from: '2022-06-01T08:00:00Z',
        available_to: '2023-03-03T17:00:00Z',
        available_count: 212,
        updated_count: 1,
        updated_shifts: ['0187d1a2-4c7e-8a3b-51f0-2b9e6c0d7a14'],
        updated_from: '2023-03-02T08:00:00Z',
        updated_to: '2023-03-02T17:00:00Z',
      },
    },
  }),

  'shifts.removed': defineEntry({
    detailType: 'shifts.removed',
    description: `Sent when shifts are removed from an account; ${UNPUBLISHED}`,
    keyFields: ['data.account', 'data.user'],
    documented: false,
    schema: ShiftsRemovedWebhookSchema,
    sample: {
      event: 'shifts.removed',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        available_from: '2022-06-01T08:00:00Z',
        available_to: '2023-03-03T17:00:00Z',
        available_count: 211,
        removed_count: 1,
        removed_shifts: ['0187d1a2-4c7e-8a3b-51f0-2b9e6c0d7a14'],
        removed_from: '2023-03-02T08:00:00Z',
        removed_to: '2023-03-02T17:00:00Z',
      },
    },
  }),

  'shifts.partially_synced': defineEntry({
    detailType: 'shifts.partially_synced',
    description: `Sent during the first sync once the subscribed number of days of shifts is available; ${UNPUBLISHED}`,
    keyFields: ['data.account', 'data.user', 'data.days_synced'],
    documented: false,
    schema: ShiftsPartiallySyncedWebhookSchema,
    sample: {
      event: 'shifts.partially_synced',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        available_from: '2023-01-02T08:00:00Z',
        available_to: '2023-03-03T17:00:00Z',
        available_count: 41,
        days_synced: 60,
      },
    },
  }),

  'shifts.fully_synced': defineEntry({
    detailType: 'shifts.fully_synced',
    description: `Sent when all available shifts of an account have been retrieved; ${UNPUBLISHED}`,
    keyFields: ['data.account', 'data.user'],
    documented: false,
    schema: ShiftsFullySyncedWebhookSchema,
    sample: {
      event: 'shifts.fully_synced',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        available_from: '2022-06-01T08:00:00Z',
        available_to: '2023-03-03T17:00:00Z',
        available_count: 209,
      },
    },
  }),

  'payroll_documents.added': defineEntry({
    detailType: 'payroll_documents.added',
    description: 'Sent when a new payroll document (e.g. a W-2) is retrieved for an account.',
    keyFields: ['data.account', 'data.payroll_document'],
    documented: true,
    schema: PayrollDocumentsAddedWebhookSchema,
    sample: {
      event: 'payroll_documents.added',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, payroll_document: '0187c718-1b4e-2b8c-9d3f-0a6e4f1c2d35' },
    },
  }),

  'payroll_documents.updated': defineEntry({
    detailType: 'payroll_documents.updated',
    description: 'Sent when an existing payroll document of an account changes.',
    keyFields: ['data.account', 'data.payroll_document'],
    documented: true,
    schema: PayrollDocumentsUpdatedWebhookSchema,
    sample: {
      event: 'payroll_documents.updated',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, payroll_document: '0187c718-1b4e-2b8c-9d3f-0a6e4f1c2d35' },
    },
  }),

  'payroll_documents.removed': defineEntry({
    detailType: 'payroll_documents.removed',
    description: 'Sent when a payroll document is removed from an account.',
    keyFields: ['data.account', 'data.payroll_document'],
    documented: true,
    schema: PayrollDocumentsRemovedWebhookSchema,
    sample: {
      event: 'payroll_documents.removed',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, payroll_document: '0187c718-1b4e-2b8c-9d3f-0a6e4f1c2d35' },
    },
  }),

  'payroll_documents.ocr_completed': defineEntry({
    detailType: 'payroll_documents.ocr_completed',
    description: `Sent when text extraction (OCR) of a payroll document finishes; ${UNPUBLISHED}`,
    keyFields: ['event'],
    documented: false,
    schema: PayrollDocumentsOcrCompletedWebhookSchema,
    sample: {
      event: 'payroll_documents.ocr_completed',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, payroll_document: '0187c718-1b4e-2b8c-9d3f-0a6e4f1c2d35' },
    },
  }),

  'payroll_documents.ocr_failed': defineEntry({
    detailType: 'payroll_documents.ocr_failed',
    description: `Sent when text extraction (OCR) of a payroll document fails; ${UNPUBLISHED}`,
    keyFields: ['event'],
    documented: false,
    schema: PayrollDocumentsOcrFailedWebhookSchema,
    sample: {
      event: 'payroll_documents.ocr_failed',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, payroll_document: '0187c718-1b4e-2b8c-9d3f-0a6e4f1c2d35' },
    },
  }),

  'deposit_destinations.added': defineEntry({
    detailType: 'deposit_destinations.added',
    description:
      'Sent when a new deposit destination (bank account or card receiving pay) is found on an account.',
    keyFields: ['data.account', 'data.deposit_destination'],
    documented: true,
    schema: DepositDestinationsAddedWebhookSchema,
    sample: {
      event: 'deposit_destinations.added',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, deposit_destination: '0176e1ea-60ca-c561-eb8e-6dcdb33b1b55' },
    },
  }),

  'deposit_destinations.updated': defineEntry({
    detailType: 'deposit_destinations.updated',
    description: 'Sent when an existing deposit destination of an account changes, e.g. its allocation.',
    keyFields: ['data.account', 'data.deposit_destination'],
    documented: true,
    schema: DepositDestinationsUpdatedWebhookSchema,
    sample: {
      event: 'deposit_destinations.updated',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, deposit_destination: '0176e1ea-60ca-c561-eb8e-6dcdb33b1b55' },
    },
  }),

  'deposit_destinations.removed': defineEntry({
    detailType: 'deposit_destinations.removed',
    description: 'Sent when a deposit destination is removed from an account.',
    keyFields: ['data.account', 'data.deposit_destination'],
    documented: true,
    schema: DepositDestinationsRemovedWebhookSchema,
    sample: {
      event: 'deposit_destinations.removed',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, deposit_destination: '0176e1ea-60ca-c561-eb8e-6dcdb33b1b55' },
    },
  }),

  'direct_deposit_switches.completed': defineEntry({
    detailType: 'direct_deposit_switches.completed',
    description:
      "Sent when a deposit switch flow in Link completes and Argyle has updated the user's deposit settings on the payroll platform.",
    keyFields: ['data.account', 'data.deposit_destination', 'data.type'],
    documented: true,
    schema: DirectDepositSwitchesCompletedWebhookSchema,
    sample: {
      event: 'direct_deposit_switches.completed',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        deposit_destination: '0176e1ea-60ca-c561-eb8e-6dcdb33b1b55',
        direct_deposit_changed: true,
        type: 'ach_deposit_account',
        flow: 'update',
        details: null,
        resource: {},
      },
    },
  }),

  'direct_deposit_switches.failed': defineEntry({
    detailType: 'direct_deposit_switches.failed',
    description: 'Sent when a deposit switch flow in Link could not be completed.',
    keyFields: ['data.account', 'data.error_code'],
    documented: true,
    schema: DirectDepositSwitchesFailedWebhookSchema,
    sample: {
      event: 'direct_deposit_switches.failed',
      name: SUBSCRIPTION,
      data: {
        account: ACCOUNT,
        user: USER,
        error_code: 'confirmation_timeout',
        error_message: 'The user did not finish confirming the direct deposit switch.',
        resource: {},
      },
    },
  }),

  'vehicles.added': defineEntry({
    detailType: 'vehicles.added',
    description: 'Sent when a new vehicle is found on a gig account.',
    keyFields: ['data.account', 'data.vehicle'],
    documented: true,
    schema: VehiclesAddedWebhookSchema,
    sample: {
      event: 'vehicles.added',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, vehicle: '0187c6a3-9e21-4f7b-c8d0-3a5b7e9f1c24' },
    },
  }),

  'vehicles.updated': defineEntry({
    detailType: 'vehicles.updated',
    description: 'Sent when an existing vehicle of an account changes.',
    keyFields: ['data.account', 'data.vehicle'],
    documented: true,
    schema: VehiclesUpdatedWebhookSchema,
    sample: {
      event: 'vehicles.updated',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, vehicle: '0187c6a3-9e21-4f7b-c8d0-3a5b7e9f1c24' },
    },
  }),

  'vehicles.removed': defineEntry({
    detailType: 'vehicles.removed',
    description: 'Sent when a vehicle is removed from an account.',
    keyFields: ['data.account', 'data.vehicle'],
    documented: true,
    schema: VehiclesRemovedWebhookSchema,
    sample: {
      event: 'vehicles.removed',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, vehicle: '0187c6a3-9e21-4f7b-c8d0-3a5b7e9f1c24' },
    },
  }),

  'ratings.added': defineEntry({
    detailType: 'ratings.added',
    description: 'Sent when rating data is first retrieved for a gig account.',
    keyFields: ['data.account', 'data.rating'],
    documented: true,
    schema: RatingsAddedWebhookSchema,
    sample: {
      event: 'ratings.added',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, rating: '0187c6b5-2d48-7a1e-f3c9-8b0d4e6a2f71' },
    },
  }),

  'ratings.updated': defineEntry({
    detailType: 'ratings.updated',
    description: "Sent when an account's rating data changes.",
    keyFields: ['data.account', 'data.rating'],
    documented: true,
    schema: RatingsUpdatedWebhookSchema,
    sample: {
      event: 'ratings.updated',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, rating: '0187c6b5-2d48-7a1e-f3c9-8b0d4e6a2f71' },
    },
  }),

  'reports.ready': defineEntry({
    detailType: 'reports.ready',
    description: `Sent when a requested report is ready to download; ${UNPUBLISHED}`,
    keyFields: ['event'],
    documented: false,
    schema: ReportsReadyWebhookSchema,
    sample: {
      event: 'reports.ready',
      name: SUBSCRIPTION,
      data: { user: USER, report: '0187d2e4-5f60-1b7c-a9e8-4c3d2b1a0f96' },
    },
  }),

  'reports.generated': defineEntry({
    detailType: 'reports.generated',
    description: `Sent when a report has been generated; ${UNPUBLISHED}`,
    keyFields: ['event'],
    documented: false,
    schema: ReportsGeneratedWebhookSchema,
    sample: {
      event: 'reports.generated',
      name: SUBSCRIPTION,
      data: { user: USER, report: '0187d2e4-5f60-1b7c-a9e8-4c3d2b1a0f96' },
    },
  }),

  'user_uploads.added': defineEntry({
    detailType: 'user_uploads.added',
    description: `Sent when a user uploads a document in Link; ${UNPUBLISHED}`,
    keyFields: ['event'],
    documented: false,
    schema: UserUploadsAddedWebhookSchema,
    sample: {
      event: 'user_uploads.added',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, user_upload: '0187d301-8a2b-4c5d-e6f7-091a2b3c4d5e' },
    },
  }),

  'user_uploads.removed': defineEntry({
    detailType: 'user_uploads.removed',
    description: `Sent when a user-uploaded document is removed; ${UNPUBLISHED}`,
    keyFields: ['event'],
    documented: false,
    schema: UserUploadsRemovedWebhookSchema,
    sample: {
      event: 'user_uploads.removed',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, user_upload: '0187d301-8a2b-4c5d-e6f7-091a2b3c4d5e' },
    },
  }),

  'user_uploads.ocr_completed': defineEntry({
    detailType: 'user_uploads.ocr_completed',
    description: `Sent when text extraction (OCR) of a user-uploaded document finishes; ${UNPUBLISHED}`,
    keyFields: ['event'],
    documented: false,
    schema: UserUploadsOcrCompletedWebhookSchema,
    sample: {
      event: 'user_uploads.ocr_completed',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, user_upload: '0187d301-8a2b-4c5d-e6f7-091a2b3c4d5e' },
    },
  }),

  'user_uploads.ocr_failed': defineEntry({
    detailType: 'user_uploads.ocr_failed',
    description: `Sent when text extraction (OCR) of a user-uploaded document fails; ${UNPUBLISHED}`,
    keyFields: ['event'],
    documented: false,
    schema: UserUploadsOcrFailedWebhookSchema,
    sample: {
      event: 'user_uploads.ocr_failed',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, user_upload: '0187d301-8a2b-4c5d-e6f7-091a2b3c4d5e' },
    },
  }),

  'user_uploads.ocr_authenticity': defineEntry({
    detailType: 'user_uploads.ocr_authenticity',
    description: `Sent when the authenticity check of a user-uploaded document has a result; ${UNPUBLISHED}`,
    keyFields: ['event'],
    documented: false,
    schema: UserUploadsOcrAuthenticityWebhookSchema,
    sample: {
      event: 'user_uploads.ocr_authenticity',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, user_upload: '0187d301-8a2b-4c5d-e6f7-091a2b3c4d5e' },
    },
  }),

  'user_forms.removed': defineEntry({
    detailType: 'user_forms.removed',
    description: `Sent when a "can't find my income" response form is removed; ${UNPUBLISHED}`,
    keyFields: ['event'],
    documented: false,
    schema: UserFormsRemovedWebhookSchema,
    sample: {
      event: 'user_forms.removed',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, user_form: '0187d3a9-6b1c-7d2e-8f30-4a5b6c7d8e9f' },
    },
  }),

  'user_forms.submitted': defineEntry({
    detailType: 'user_forms.submitted',
    description: `Sent when a user submits a "can't find my income" response form in Link; ${UNPUBLISHED}`,
    keyFields: ['event'],
    documented: false,
    schema: UserFormsSubmittedWebhookSchema,
    sample: {
      event: 'user_forms.submitted',
      name: SUBSCRIPTION,
      data: { account: ACCOUNT, user: USER, user_form: '0187d3a9-6b1c-7d2e-8f30-4a5b6c7d8e9f' },
    },
  }),

  'verifications.updated': defineEntry({
    detailType: 'verifications.updated',
    description: 'Sent when a verification changes, e.g. its status.',
    keyFields: ['data.verification', 'data.user'],
    documented: true,
    schema: VerificationsUpdatedWebhookSchema,
    sample: {
      event: 'verifications.updated',
      name: SUBSCRIPTION,
      data: {
        user: USER,
        verification: '43a2c6c3-1e63-91e5-88e3-f9ab2dcc489b',
        client: '6f1d2c3b-4a59-4e87-9b0a-1c2d3e4f5a6b',
      },
    },
  }),

  'verifications.creation_failed': defineEntry({
    detailType: 'verifications.creation_failed',
    description: 'Sent when a verification could not be created, with the context of the attempt.',
    keyFields: ['data.user', 'data.context.attempted_at'],
    documented: true,
    schema: VerificationsCreationFailedWebhookSchema,
    sample: {
      event: 'verifications.creation_failed',
      name: SUBSCRIPTION,
      data: {
        user: USER,
        context: {
          user: USER,
          attempted_at: '2023-03-09T16:22:06.081Z',
          channel: 'encompass',
          data_source: 'banking',
          report_type: 'voa',
          loan: {
            number: '1234',
            borrower_id: 'ABC789',
            application_id: '2121313',
            officer_email: 'john.doe@mortgage.com',
          },
          billing: { cost_center: '5' },
        },
      },
    },
  }),

  'verifications.connection_added': defineEntry({
    detailType: 'verifications.connection_added',
    description: 'Sent when a new data connection (e.g. a bank) is added to a verification.',
    keyFields: ['data.verification', 'data.connection.id'],
    documented: true,
    schema: VerificationsConnectionAddedWebhookSchema,
    sample: {
      event: 'verifications.connection_added',
      name: SUBSCRIPTION,
      data: {
        user: USER,
        verification: '43a2c6c3-1e63-91e5-88e3-f9ab2dcc489b',
        connection: { id: '102168', data_source: 'banking', connected_at: '2026-09-08T16:22:06.081Z' },
      },
    },
  }),
} satisfies Record<string, CatalogEntry>;

/** An Argyle v2 event name, e.g. `accounts.connected`. */
export type ArgyleEventName = keyof typeof ARGYLE_CATALOG;

/** Every Argyle v2 event name, in catalogue order. */
export const ARGYLE_EVENT_NAMES: readonly ArgyleEventName[] = Object.freeze(
  Object.keys(ARGYLE_CATALOG) as ArgyleEventName[],
);

/** The parsed payload of one Argyle event. */
export type ArgyleWebhookOf<T extends ArgyleEventName> = z.infer<(typeof ARGYLE_CATALOG)[T]['schema']>;

/** Any Argyle v2 webhook, narrowed by `event`. */
export const ArgyleWebhookSchema = z.discriminatedUnion('event', [
  UsersFullySyncedWebhookSchema,
  AccountsAddedWebhookSchema,
  AccountsUpdatedWebhookSchema,
  AccountsRemovedWebhookSchema,
  AccountsConnectedWebhookSchema,
  AccountsFailedWebhookSchema,
  ItemsUpdatedWebhookSchema,
  ItemsRemovedWebhookSchema,
  IdentitiesAddedWebhookSchema,
  IdentitiesUpdatedWebhookSchema,
  PaystubsAddedWebhookSchema,
  PaystubsUpdatedWebhookSchema,
  PaystubsPartiallySyncedWebhookSchema,
  PaystubsFullySyncedWebhookSchema,
  GigsAddedWebhookSchema,
  GigsUpdatedWebhookSchema,
  GigsRemovedWebhookSchema,
  GigsPartiallySyncedWebhookSchema,
  GigsFullySyncedWebhookSchema,
  ShiftsAddedWebhookSchema,
  ShiftsUpdatedWebhookSchema,
  ShiftsRemovedWebhookSchema,
  ShiftsPartiallySyncedWebhookSchema,
  ShiftsFullySyncedWebhookSchema,
  PayrollDocumentsAddedWebhookSchema,
  PayrollDocumentsUpdatedWebhookSchema,
  PayrollDocumentsRemovedWebhookSchema,
  PayrollDocumentsOcrCompletedWebhookSchema,
  PayrollDocumentsOcrFailedWebhookSchema,
  DepositDestinationsAddedWebhookSchema,
  DepositDestinationsUpdatedWebhookSchema,
  DepositDestinationsRemovedWebhookSchema,
  DirectDepositSwitchesCompletedWebhookSchema,
  DirectDepositSwitchesFailedWebhookSchema,
  VehiclesAddedWebhookSchema,
  VehiclesUpdatedWebhookSchema,
  VehiclesRemovedWebhookSchema,
  RatingsAddedWebhookSchema,
  RatingsUpdatedWebhookSchema,
  ReportsReadyWebhookSchema,
  ReportsGeneratedWebhookSchema,
  UserUploadsAddedWebhookSchema,
  UserUploadsRemovedWebhookSchema,
  UserUploadsOcrCompletedWebhookSchema,
  UserUploadsOcrFailedWebhookSchema,
  UserUploadsOcrAuthenticityWebhookSchema,
  UserFormsRemovedWebhookSchema,
  UserFormsSubmittedWebhookSchema,
  VerificationsUpdatedWebhookSchema,
  VerificationsCreationFailedWebhookSchema,
  VerificationsConnectionAddedWebhookSchema,
]);
export type ArgyleWebhook = z.infer<typeof ArgyleWebhookSchema>;

export { type ArgyleEnvelope, ArgyleEnvelopeSchema } from './common.js';
