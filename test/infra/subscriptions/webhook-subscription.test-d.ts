import { WebhookSubscription, type WebhookSubscriptionProps } from '@webhook-pipeline/events/cdk';
import type { Stack } from 'aws-cdk-lib';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { describe, expectTypeOf, it } from 'vitest';

declare const stack: Stack;
declare const queue: IQueue;
const eventBusArn = 'arn:aws:events:us-east-1:111111111111:event-bus/webhooks';

describe('WebhookSubscription detail-types, checked by the compiler', () => {
  it("takes the provider's detail-types", () => {
    new WebhookSubscription(stack, 'A', {
      eventBusArn,
      provider: 'plaid',
      detailTypes: ['TRANSACTIONS.SYNC_UPDATES_AVAILABLE', 'ITEM.ERROR'],
      target: queue,
    });
    new WebhookSubscription(stack, 'B', {
      eventBusArn,
      provider: 'argyle',
      detailTypes: ['accounts.connected'],
      target: queue,
    });
    expectTypeOf<WebhookSubscriptionProps<'argyle'>['detailTypes']>().toEqualTypeOf<
      readonly import('@webhook-pipeline/events').ArgyleEventName[] | undefined
    >();
  });

  it('refuses a detail-type outside the catalogue', () => {
    new WebhookSubscription(stack, 'C', {
      eventBusArn,
      provider: 'plaid',
      // @ts-expect-error TRANSACTIONS.SYNC_UPDATE_AVAILABLE (a typo) is not in the catalogue
      detailTypes: ['TRANSACTIONS.SYNC_UPDATE_AVAILABLE'],
      target: queue,
    });
  });

  it("refuses the other provider's detail-types, and a provider that is not one", () => {
    new WebhookSubscription(stack, 'D', {
      eventBusArn,
      provider: 'plaid',
      // @ts-expect-error accounts.connected is an Argyle event, not a Plaid one
      detailTypes: ['accounts.connected'],
      target: queue,
    });
    // @ts-expect-error stripe is not a provider of the pipeline
    new WebhookSubscription(stack, 'E', { eventBusArn, provider: 'stripe', target: queue });
  });
});
