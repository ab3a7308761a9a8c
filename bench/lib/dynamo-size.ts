import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** Bytes of a number as DynamoDB sizes it: one per two significant digits, plus one. */
const numberSize = (text: string): number => {
  const digits = text.replace(/^[-+]/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
};

/** Bytes of an attribute value, by DynamoDB's item size rules. */
export const valueSize = (value: AttributeValue): number => {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + valueSize(v), 0);
  if (value.M !== undefined)
    return (
      3 + Object.entries(value.M).reduce((sum, [k, v]) => sum + 1 + Buffer.byteLength(k) + valueSize(v), 0)
    );
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  return 0;
};

/** Bytes of an item: attribute names plus values. */
export const itemSize = (item: Readonly<Record<string, AttributeValue>>): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);

/** Bytes of a global secondary index entry: its attributes plus 100 bytes of index overhead. */
export const indexEntrySize = (
  item: Readonly<Record<string, AttributeValue>>,
  attributes: readonly string[],
) => {
  const projected: Record<string, AttributeValue> = {};
  for (const name of attributes) if (item[name] !== undefined) projected[name] = item[name];
  return itemSize(projected) + 100;
};
