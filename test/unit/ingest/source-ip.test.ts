import { describe, expect, it } from 'vitest';
import { PLAID_SOURCE_IPS, parseSourceIpAllowlist } from '../../../lambdas/ingest/source-ip.js';
import { ConfigError } from '../../../lambdas/shared/errors.js';

describe('parseSourceIpAllowlist', () => {
  it('is off when not set', () => {
    expect(parseSourceIpAllowlist(undefined)).toBeUndefined();
    expect(parseSourceIpAllowlist('  ')).toBeUndefined();
  });

  it("`plaid` allows exactly Plaid's published addresses, also IPv4-mapped", () => {
    const allowed = parseSourceIpAllowlist('plaid');
    for (const ip of PLAID_SOURCE_IPS) expect(allowed?.(ip)).toBe(true);
    expect(allowed?.('::ffff:52.21.26.131')).toBe(true);
    expect(allowed?.('52.21.26.132')).toBe(false);
    expect(allowed?.('')).toBe(false);
    expect(allowed?.('not an ip')).toBe(false);
  });

  it('takes addresses and CIDR blocks of both families next to `plaid`', () => {
    const allowed = parseSourceIpAllowlist('PLAID, 10.1.0.0/16, 2001:db8::/32, 192.0.2.7');
    expect(allowed?.('10.1.255.3')).toBe(true);
    expect(allowed?.('10.2.0.1')).toBe(false);
    expect(allowed?.('2001:db8::1')).toBe(true);
    expect(allowed?.('2001:db9::1')).toBe(false);
    expect(allowed?.('192.0.2.7')).toBe(true);
    expect(allowed?.('52.88.82.239')).toBe(true);
  });

  it.each(['plaid.com', '10.0.0.0/33', '300.1.1.1', '2001:db8::/129', '10.0.0.0/x'])(
    'refuses %s as a configuration error',
    (item) => {
      expect(() => parseSourceIpAllowlist(`plaid,${item}`)).toThrow(ConfigError);
    },
  );
});
