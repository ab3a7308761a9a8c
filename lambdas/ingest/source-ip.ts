import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../shared/errors.js';

/**
 * Plaid's published webhook source addresses (plaid.com/docs/api/webhooks, "subject to change";
 * docs/security.md). When Plaid changes them, list the new ones in `PLAID_ALLOWED_SOURCE_IPS`
 * until this list is updated.
 */
export const PLAID_SOURCE_IPS = ['52.21.26.131', '52.21.47.157', '52.41.247.19', '52.88.82.239'] as const;

/** Whether a source address may deliver; `undefined` when no allowlist is configured. */
export type SourceIpCheck = (sourceIp: string) => boolean;

const unmapped = (ip: string): string =>
  ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;

/**
 * Parses an allowlist: `plaid` (Plaid's published addresses) or a comma list of addresses and CIDR
 * blocks, IPv4 or IPv6, which may include `plaid`. Uses node:net's BlockList (no parser to write).
 */
export const parseSourceIpAllowlist = (spec: string | undefined): SourceIpCheck | undefined => {
  if (spec === undefined || spec.trim() === '') return undefined;
  const list = new BlockList();
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    if (item.toLowerCase() === 'plaid') {
      for (const ip of PLAID_SOURCE_IPS) list.addAddress(ip, 'ipv4');
      continue;
    }
    const [address = '', prefix] = item.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    if (
      family === 0 ||
      (bits !== undefined && !(Number.isInteger(bits) && bits >= 0 && bits <= (family === 4 ? 32 : 128)))
    ) {
      throw new ConfigError(`source address allowlist: "${item}" is not an IP address or CIDR block`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return (sourceIp) => {
    const ip = unmapped(sourceIp);
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  };
};
