import { BlockList, isIP } from 'node:net';
import { isLosslessNumber, parse } from 'lossless-json';

/**
 * Leaf values as EventBridge compares them. Numbers keep their JSON text (`literal`) so an integer
 * above 2^53 is compared as written; `double` is set only when the text is exactly a binary64
 * value, the numbers EventBridge's matcher can compare numerically (see event-ruler's
 * ComparableNumber).
 */
export type Leaf =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'number'; readonly literal: string; readonly double: number | undefined }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'null' };

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** A decimal literal in one canonical form (`<sign><digits>e<exp>`, no leading or trailing zeros). */
const canonicalDecimal = (text: string): string | undefined => {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const [, sign = '', int = '', frac = '', exp = '0'] = m;
  let digits = `${int}${frac}`.replace(/^0+/, '');
  let exponent = Number(exp) - frac.length;
  if (!digits) return '0';
  const trimmed = digits.replace(/0+$/, '');
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  return `${sign}${digits}e${exponent}`;
};

/**
 * The binary64 value of a JSON number literal when the literal is exactly that value, else
 * undefined (too large, or more digits than a double holds, e.g. 9007199254740993).
 */
export const exactDouble = (literal: string): number | undefined => {
  const value = Number(literal);
  if (!Number.isFinite(value)) return undefined;
  const written = canonicalDecimal(literal);
  return written !== undefined && written === canonicalDecimal(String(value)) ? value : undefined;
};

/** A JSON number given as a JS number, a bigint or a lossless-json number: its literal text. */
export const numberLiteral = (value: unknown): string | undefined => {
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : undefined;
  if (typeof value === 'bigint') return value.toString();
  if (isLosslessNumber(value)) return value.value;
  return undefined;
};

/** The leaf a JSON value is, or undefined for objects, arrays and anything not JSON. */
export const toLeaf = (value: unknown): Leaf | undefined => {
  if (typeof value === 'string') return { type: 'string', value };
  if (typeof value === 'boolean') return { type: 'boolean', value };
  if (value === null) return { type: 'null' };
  const literal = numberLiteral(value);
  if (literal !== undefined) return { type: 'number', literal, double: exactDouble(literal) };
  return undefined;
};

/** Whether a value is a plain JSON object (not an array, not a number wrapper). */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);

/**
 * Parses JSON text keeping every number's text (lossless-json), so matching and printing never
 * round an integer above 2^53.
 */
export const parseJsonExact = (text: string): unknown => parse(text);

/** An IP address or CIDR block, as `cidr` and IP-valued exact strings compare them. */
export interface IpMatcher {
  matches(value: string): boolean;
}

const familyOf = (ip: string): 'ipv4' | 'ipv6' | undefined => {
  const version = isIP(ip);
  if (version === 4) return 'ipv4';
  if (version === 6) return 'ipv6';
  return undefined;
};

const ipMatcher = (list: BlockList): IpMatcher => ({
  matches: (value) => {
    const family = familyOf(value);
    return family !== undefined && list.check(value, family);
  },
});

/** A single address, so "::1" in a pattern also matches "0:0:0:0:0:0:0:1" (EventBridge compares IPs as addresses). */
export const singleAddress = (ip: string): IpMatcher | undefined => {
  const family = familyOf(ip);
  if (!family) return undefined;
  const list = new BlockList();
  list.addAddress(ip, family);
  return ipMatcher(list);
};

/**
 * A `cidr` operand; throws a reason as event-ruler does (one `/`, integer mask bits, a valid
 * address, mask bits below 32 for IPv4 and below 128 for IPv6).
 */
export const cidrBlock = (cidr: string): IpMatcher => {
  const parts = cidr.split('/');
  if (parts.length !== 2) throw new Error("Malformed CIDR, one '/' required");
  const [address = '', bits = ''] = parts;
  if (!/^-?\d+$/.test(bits)) throw new Error('Malformed CIDR, mask bits must be an integer');
  const prefix = Number(bits);
  if (prefix < 0) throw new Error('Malformed CIDR, mask bits must not be negative');
  const family = familyOf(address);
  if (!family) throw new Error(`Malformed CIDR, "${address}" is not an IP address`);
  if (family === 'ipv4' && prefix > 31) throw new Error('IPv4 mask bits must be < 32');
  if (family === 'ipv6' && prefix > 127) throw new Error('IPv6 mask bits must be < 128');
  const list = new BlockList();
  list.addSubnet(address, prefix, family);
  return ipMatcher(list);
};

/**
 * A `wildcard` operand as a regular expression: `*` is any run of characters, `\*` a star and
 * `\\` a backslash; consecutive stars and any other escape are refused, as EventBridge does.
 */
export const wildcardRegExp = (pattern: string): RegExp => {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '*') {
      if (pattern[i + 1] === '*') throw new Error(`Consecutive wildcard characters at pos ${i}`);
      source += '[\\s\\S]*';
    } else if (char === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') throw new Error(`Invalid escape character at pos ${i}`);
      source += `\\${next}`;
      i++;
    } else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
};

/** Case-insensitive equality as EventBridge's equals-ignore-case (Unicode case mapping). */
export const equalsIgnoreCase = (a: string, b: string): boolean =>
  a === b || a.toLowerCase() === b.toLowerCase() || a.toUpperCase() === b.toUpperCase();
