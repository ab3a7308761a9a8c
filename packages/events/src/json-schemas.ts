import * as z from 'zod';
import { DETAIL_TYPES } from './detail-types.js';
import { eventDetailSchema } from './envelope.js';

/** JSON Schema dialects the generator writes. EventBridge's Schema Registry takes only draft-04. */
export type JsonSchemaTarget = 'draft-2020-12' | 'draft-04';

/** The JSON Schema of every detail, by detail-type, generated from the zod schemas. */
export const eventJsonSchemas = (
  target: JsonSchemaTarget = 'draft-2020-12',
): Record<string, Record<string, unknown>> =>
  Object.fromEntries(
    DETAIL_TYPES.map(({ provider, detailType, source, entry }) => [
      detailType,
      {
        ...z.toJSONSchema(eventDetailSchema(entry.schema, provider), {
          target,
          unrepresentable: 'any',
          io: 'input',
        }),
        title: `${source} ${detailType}`,
        description: entry.description,
      },
    ]),
  );
