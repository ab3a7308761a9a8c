import {
  type AnyWebhookEvent,
  type ArgyleEventName,
  type DetailType,
  detailSchemaFor,
  EVENT_SOURCES,
  eventPattern,
  type PlaidDetailType,
  type WebhookEvent,
  type WebhookEventDetail,
} from '@webhook-pipeline/events';
import type { EventPattern } from 'aws-cdk-lib/aws-events';
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';

declare const event: AnyWebhookEvent;

describe('AnyWebhookEvent', () => {
  it('narrows on detail-type to the Plaid payload', () => {
    if (event['detail-type'] === 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE') {
      expectTypeOf(event.detail.data.item_id).toEqualTypeOf<string | undefined>();
      expectTypeOf(event.detail.data.webhook_code).toEqualTypeOf<'SYNC_UPDATES_AVAILABLE'>();
      expectTypeOf(event.detail.data.initial_update_complete).toEqualTypeOf<boolean>();
      expectTypeOf(event.source).toEqualTypeOf<'webhooks.plaid'>();
      expectTypeOf(event.detail.metadata.provider).toEqualTypeOf<'plaid'>();
      expectTypeOf(event.detail.metadata.webhookId).toEqualTypeOf<string>();
    }
  });

  it('narrows on detail-type to the Argyle payload', () => {
    if (event['detail-type'] === 'accounts.connected') {
      expectTypeOf(event.detail.data.data.account).toEqualTypeOf<string>();
      expectTypeOf(event.detail.data.event).toEqualTypeOf<'accounts.connected'>();
      expectTypeOf(event.source).toEqualTypeOf<'webhooks.argyle'>();
      expectTypeOf(event.detail.metadata.provider).toEqualTypeOf<'argyle'>();
    }
  });

  it('narrows on source to one provider', () => {
    expectTypeOf(event.source).toEqualTypeOf<'webhooks.plaid' | 'webhooks.argyle'>();
    if (event.source === EVENT_SOURCES.argyle) {
      expectTypeOf(event['detail-type']).toEqualTypeOf<ArgyleEventName>();
    } else {
      expectTypeOf(event['detail-type']).toEqualTypeOf<PlaidDetailType>();
    }
  });

  it('has no member for a detail-type outside the catalogue', () => {
    expectTypeOf(event['detail-type']).toEqualTypeOf<DetailType>();
    // @ts-expect-error NOT.A_TYPE is not a detail-type of the union
    if (event['detail-type'] === 'NOT.A_TYPE') expectTypeOf(event).toBeNever();
    // @ts-expect-error WebhookEvent only takes detail-types of the catalogue
    expectTypeOf<WebhookEvent<'NOT.A_TYPE'>>().toBeObject();
  });
});

describe('WebhookEvent', () => {
  it('pins metadata.provider and source to the provider of the detail-type', () => {
    expectTypeOf<WebhookEvent<'ITEM.ERROR'>['detail']['metadata']['provider']>().toEqualTypeOf<'plaid'>();
    expectTypeOf<WebhookEvent<'items.updated'>['detail']['metadata']['provider']>().toEqualTypeOf<'argyle'>();
    expectTypeOf<WebhookEvent<'ITEM.ERROR'>['source']>().toEqualTypeOf<'webhooks.plaid'>();
    expectTypeOf<WebhookEvent<'ITEM.ERROR'>['detail']['metadata']['schemaVersion']>().toEqualTypeOf<1>();
  });
});

describe('detailSchemaFor', () => {
  it('parses to the detail of its detail-type', () => {
    expectTypeOf<z.output<ReturnType<typeof detailSchemaFor<'ITEM.ERROR'>>>>().toEqualTypeOf<
      WebhookEventDetail<'ITEM.ERROR'>
    >();
    // @ts-expect-error NOT.A_TYPE is not a detail-type
    detailSchemaFor('NOT.A_TYPE');
  });
});

describe('eventPattern', () => {
  it('takes detail-types of the provider', () => {
    expectTypeOf(
      eventPattern({ provider: 'plaid', types: ['TRANSACTIONS.SYNC_UPDATES_AVAILABLE', 'ITEM.ERROR'] }),
    ).toExtend<EventPattern>();
    expectTypeOf(
      eventPattern({ provider: 'argyle', types: ['accounts.connected'] }),
    ).toExtend<EventPattern>();
    expectTypeOf(eventPattern({ provider: 'argyle' })).toExtend<EventPattern>();
  });

  it('refuses unknown detail-types and those of the other provider', () => {
    // @ts-expect-error NOT.A_TYPE is not a Plaid detail-type
    eventPattern({ provider: 'plaid', types: ['NOT.A_TYPE'] });
    // @ts-expect-error accounts.connected is an Argyle detail-type
    eventPattern({ provider: 'plaid', types: ['accounts.connected'] });
    // @ts-expect-error ITEM.ERROR is a Plaid detail-type
    eventPattern({ provider: 'argyle', types: ['ITEM.ERROR'] });
    // @ts-expect-error not a provider
    eventPattern({ provider: 'stripe' });
  });
});
