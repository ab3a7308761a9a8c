import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** Bytes of a number as DynamoDB sizes it: one per two significant digits, plus one. */
const numberSize = (text: string): number => {
  const digits = text.replace(/^[-+]/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
};

/** Bytes of an attribute value, by DynamoDB's documented item size rules. */
export const valueSizeBytes = (value: AttributeValue): number => {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + valueSizeBytes(v), 0);
  if (value.M !== undefined)
    return (
      3 +
      Object.entries(value.M).reduce((sum, [k, v]) => sum + 1 + Buffer.byteLength(k) + valueSizeBytes(v), 0)
    );
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.length, 0);
  return 0;
};

/** Bytes of an item as DynamoDB bills it: the UTF-8 bytes of every attribute name plus its value. */
export const itemSizeBytes = (item: Readonly<Record<string, AttributeValue>>): number =>
  Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueSizeBytes(value),
    0,
  );

/** Write units of one standard write of an item: one per started KB. */
export const writeUnits = (item: Readonly<Record<string, AttributeValue>>): number =>
  Math.max(1, Math.ceil(itemSizeBytes(item) / 1024));
