import type { ArgyleEventName, ArgyleWebhook, ArgyleWebhookOf } from '@webhook-pipeline/events/argyle';
import { describe, expectTypeOf, it } from 'vitest';

describe('Types: Argyle catalogue', () => {
  it('types data.account of accounts.connected as a string', () => {
    expectTypeOf<ArgyleWebhookOf<'accounts.connected'>['data']['account']>().toEqualTypeOf<string>();
  });

  it('types the event of items.removed as its literal', () => {
    expectTypeOf<ArgyleWebhookOf<'items.removed'>['event']>().toEqualTypeOf<'items.removed'>();
  });

  it('refuses an event name that is not in the catalogue', () => {
    // @ts-expect-error 'nope.nope' is not an Argyle event name
    expectTypeOf<ArgyleWebhookOf<'nope.nope'>>().not.toBeNever();
  });

  it('narrows the union by event', () => {
    expectTypeOf<
      Extract<ArgyleWebhook, { event: 'items.updated' }>['data']['item']
    >().toEqualTypeOf<string>();
    expectTypeOf<ArgyleWebhook['event']>().toEqualTypeOf<ArgyleEventName>();
  });
});
