import * as z from 'zod';
import { openEnum } from '../../open-enum.js';
import { argyleWebhook } from '../common.js';

/** Health of an Item. */
export const ItemStatusSchema = openEnum(['healthy', 'issues', 'unavailable']);
export type ItemStatus = z.infer<typeof ItemStatusSchema>;

/** Whether the payroll system behind an Item is known and has connected successfully. */
export const ItemMappingStatusSchema = openEnum(['verified', 'mapped', 'unmapped']);
export type ItemMappingStatus = z.infer<typeof ItemMappingStatusSchema>;

/** The Item's capabilities; the nested coverage maps are large and change often, so they stay open. */
export const ItemFeaturesSchema = z.looseObject({
  field_coverage: z.looseObject({}).nullish(),
  direct_deposit_switch: z.looseObject({}).nullish(),
});
export type ItemFeatures = z.infer<typeof ItemFeaturesSchema>;

// Argyle may send only the properties that changed, and several are null on the Item object itself,
// so everything but the Item id is optional and nullable.
export const ItemsUpdatedWebhookSchema = argyleWebhook(
  'items.updated',
  z.looseObject({
    item: z.string(),
    name: z.string().nullish(),
    status: ItemStatusSchema.nullish(),
    status_details: z.string().nullish(),
    mapping_status: ItemMappingStatusSchema.nullish(),
    known_limitations: z.string().nullish(),
    logo_url: z.string().nullish(),
    features: ItemFeaturesSchema.nullish(),
  }),
);
export type ItemsUpdatedWebhook = z.infer<typeof ItemsUpdatedWebhookSchema>;

export const ItemsRemovedWebhookSchema = argyleWebhook('items.removed', z.looseObject({ item: z.string() }));
export type ItemsRemovedWebhook = z.infer<typeof ItemsRemovedWebhookSchema>;
