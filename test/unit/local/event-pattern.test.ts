import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidEventPatternError } from '../../../lambdas/shared/errors.js';
import { matchesEventPattern, parseEventPattern } from '../../../local/event-pattern/event-pattern.js';

// Cases follow AWS's documented examples: the EventBridge user guide pages "Content filtering in
// Amazon EventBridge event patterns" and "Comparison operators for use in event patterns", and the
// README of aws/event-ruler (the matcher EventBridge uses), whose sample event is this one.
const EC2_EVENT = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const matches = (pattern: unknown, event: unknown) => matchesEventPattern(parseEventPattern(pattern), event);
const withDetail = (detail: Record<string, unknown>) => ({ ...EC2_EVENT, detail });

describe('exact values', () => {
  it('matches listed strings and ignores fields the pattern does not name', () => {
    const pattern = {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
      detail: { state: ['initializing', 'running'] },
    };
    expect(matches(pattern, EC2_EVENT)).toBe(true);
    expect(matches(pattern, withDetail({ ...EC2_EVENT.detail, state: 'stopped' }))).toBe(false);
    expect(matches({ source: ['aws.ec2'] }, { ...EC2_EVENT, source: 'AWS.EC2' })).toBe(false);
  });

  it('matches numbers by value, booleans and null by literal', () => {
    expect(matches({ detail: { 'x-limit': [301.8] } }, EC2_EVENT)).toBe(true);
    expect(matches({ detail: { 'x-limit': [3.018e2] } }, EC2_EVENT)).toBe(true);
    expect(matches({ detail: { 'c-count': ['5'] } }, EC2_EVENT)).toBe(false);
    expect(matches({ detail: { flag: [true] } }, withDetail({ flag: true }))).toBe(true);
    expect(matches({ detail: { flag: [true] } }, withDetail({ flag: 'true' }))).toBe(false);
    expect(matches({ detail: { flag: [false] } }, withDetail({ flag: true }))).toBe(false);
  });

  it('matches null values and empty strings (documented example)', () => {
    const event = withDetail({ eventVersion: '', responseElements: null });
    expect(matches({ detail: { responseElements: [null] } }, event)).toBe(true);
    expect(matches({ detail: { eventVersion: [''] } }, event)).toBe(true);
    expect(matches({ detail: { eventVersion: [null] } }, event)).toBe(false);
    expect(matches({ detail: { responseElements: [''] } }, event)).toBe(false);
    // A missing field is neither null nor empty.
    expect(matches({ detail: { absent: [null] } }, event)).toBe(false);
  });

  it('compares integers above 2^53 as written when the event is JSON text', () => {
    const text = '{"detail":{"id":9007199254740993}}';
    expect(matches('{"detail":{"id":[9007199254740993]}}', text)).toBe(true);
    expect(matches('{"detail":{"id":[9007199254740992]}}', text)).toBe(false);
    expect(matches('{"detail":{"id":[{"anything-but":9007199254740992}]}}', text)).toBe(true);
    // A number EventBridge cannot compare is refused where a comparison is needed.
    expect(() => parseEventPattern('{"id":[{"anything-but":9007199254740993}]}')).toThrow(/Cannot compare/);
    expect(() => parseEventPattern('{"id":[{"numeric":[">",9007199254740993]}]}')).toThrow(/Cannot compare/);
  });
});

describe('arrays in the event', () => {
  it('matches when any element of an array value is listed (documented resources example)', () => {
    const event = {
      ...EC2_EVENT,
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:image/ami-0c1d2e3f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    expect(matches({ resources: ['arn:aws:ec2:us-east-1:111122223333:image/ami-0c1d2e3f'] }, event)).toBe(
      true,
    );
    expect(matches({ resources: ['arn:aws:ec2:us-east-1:000000000000:image/ami-x'] }, event)).toBe(false);
  });

  it('never combines fields from different elements of one array (event-ruler README example)', () => {
    const event = {
      employees: [
        [
          { firstName: 'John', lastName: 'Doe' },
          { firstName: 'Anna', lastName: 'Smith' },
        ],
        [{ firstName: 'Peter', lastName: 'Jones' }],
      ],
    };
    expect(matches({ employees: { firstName: ['Anna'] } }, event)).toBe(true);
    expect(matches({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event)).toBe(true);
    expect(matches({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event)).toBe(false);
  });
});

describe('prefix, suffix, equals-ignore-case, wildcard', () => {
  it('prefix matching (documented example)', () => {
    expect(matches({ time: [{ prefix: '2017-10-02' }] }, EC2_EVENT)).toBe(true);
    expect(matches({ time: [{ prefix: '2017-10-03' }] }, EC2_EVENT)).toBe(false);
    expect(matches({ detail: { 'c-count': [{ prefix: '5' }] } }, EC2_EVENT)).toBe(false);
  });

  it('prefix ignoring case (documented example)', () => {
    const pattern = { detail: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] } };
    expect(matches(pattern, withDetail({ service: 'EventBridge' }))).toBe(true);
    expect(matches(pattern, withDetail({ service: 'EVENTBRIDGE' }))).toBe(true);
    expect(matches(pattern, withDetail({ service: 'Lambda' }))).toBe(false);
  });

  it('suffix matching, also ignoring case (documented example)', () => {
    expect(
      matches({ detail: { FileName: [{ suffix: '.png' }] } }, withDetail({ FileName: 'image.png' })),
    ).toBe(true);
    expect(
      matches({ detail: { FileName: [{ suffix: '.png' }] } }, withDetail({ FileName: 'image.PNG' })),
    ).toBe(false);
    expect(
      matches(
        { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
        withDetail({ FileName: 'image.PNG' }),
      ),
    ).toBe(true);
  });

  it('equals-ignore-case (documented example)', () => {
    const pattern = { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] };
    expect(matches(pattern, EC2_EVENT)).toBe(true);
    expect(matches(pattern, { ...EC2_EVENT, 'detail-type': 'EC2 Instance State-change' })).toBe(false);
  });

  it('wildcard matching with escapes (documented examples)', () => {
    const arn = { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] };
    expect(matches(arn, { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/my-bus' })).toBe(
      true,
    );
    expect(matches(arn, { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/my-bus' })).toBe(
      false,
    );
    const png = { file: [{ wildcard: 'dir/*.png' }] };
    expect(matches(png, { file: 'dir/depth1/depth2/image.png' })).toBe(true);
    expect(matches(png, { file: 'dir/image.jpg' })).toBe(false);
    expect(matches({ file: [{ wildcard: 'a\\*b' }] }, { file: 'a*b' })).toBe(true);
    expect(matches({ file: [{ wildcard: 'a\\*b' }] }, { file: 'axxb' })).toBe(false);
    expect(matches({ file: [{ wildcard: 'a.c' }] }, { file: 'abc' })).toBe(false);
    expect(matches({ file: [{ wildcard: 'Simple*Service' }] }, { file: 'Simple Queue Service' })).toBe(true);
  });
});

describe('anything-but', () => {
  it('a string, a list of strings, a number and a list of numbers (documented examples)', () => {
    expect(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } }, EC2_EVENT)).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': 'running' }] } }, EC2_EVENT)).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, EC2_EVENT)).toBe(
      true,
    );
    expect(matches({ detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } }, EC2_EVENT)).toBe(
      false,
    );
    expect(matches({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, EC2_EVENT)).toBe(true);
    expect(matches({ detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, EC2_EVENT)).toBe(true);
    expect(matches({ detail: { 'x-limit': [{ 'anything-but': [301.8] }] } }, EC2_EVENT)).toBe(false);
  });

  it('needs the field to be present', () => {
    expect(matches({ detail: { absent: [{ 'anything-but': 'x' }] } }, EC2_EVENT)).toBe(false);
  });

  it('with prefix, suffix, equals-ignore-case and wildcard (documented examples)', () => {
    expect(matches({ region: [{ 'anything-but': { prefix: 'us-' } }] }, EC2_EVENT)).toBe(false);
    expect(matches({ region: [{ 'anything-but': { prefix: 'us-' } }] }, { region: 'eu-west-1' })).toBe(true);
    expect(matches({ region: [{ 'anything-but': { prefix: ['eu-', 'us-'] } }] }, EC2_EVENT)).toBe(false);
    const png = { FileName: [{ 'anything-but': { suffix: '.png' } }] };
    expect(matches(png, { FileName: 'image.png' })).toBe(false);
    expect(matches(png, { FileName: 'image.jpg' })).toBe(true);
    const state = { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] };
    expect(matches(state, { state: 'INITIALIZING' })).toBe(false);
    expect(matches(state, { state: 'running' })).toBe(true);
    const lib = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
    expect(matches(lib, { FilePath: '/usr/lib/node' })).toBe(false);
    expect(matches(lib, { FilePath: '/usr/bin/node' })).toBe(true);
  });

  it('matches an array when any element is not excluded', () => {
    const pattern = { tags: [{ 'anything-but': 'a' }] };
    expect(matches(pattern, { tags: ['a', 'b'] })).toBe(true);
    expect(matches(pattern, { tags: ['a', 'a'] })).toBe(false);
  });
});

describe('numeric, exists, cidr', () => {
  it('numeric ranges (documented example)', () => {
    const pattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    expect(matches(pattern, EC2_EVENT)).toBe(true);
    expect(matches(pattern, withDetail({ ...EC2_EVENT.detail, 'c-count': 6 }))).toBe(false);
    expect(matches(pattern, withDetail({ ...EC2_EVENT.detail, 'c-count': 0 }))).toBe(false);
    expect(matches(pattern, withDetail({ ...EC2_EVENT.detail, 'd-count': 10 }))).toBe(false);
    expect(matches({ detail: { 'c-count': [{ numeric: ['>=', 5] }] } }, EC2_EVENT)).toBe(true);
    // Numeric matching works only on JSON numbers.
    expect(matches({ detail: { n: [{ numeric: ['>', 0] }] } }, withDetail({ n: '5' }))).toBe(false);
  });

  it('exists works on leaf nodes (documented examples)', () => {
    expect(matches({ detail: { 'c-count': [{ exists: true }] } }, EC2_EVENT)).toBe(true);
    expect(matches({ detail: { 'c-count': [{ exists: false }] } }, EC2_EVENT)).toBe(false);
    expect(matches({ detail: { 'e-count': [{ exists: false }] } }, EC2_EVENT)).toBe(true);
    // c-count is an object here, not a leaf: "exists": false still matches.
    const nested = withDetail({ state: 'running', 'c-count': { c1: 100 } });
    expect(matches({ detail: { 'c-count': [{ exists: false }] } }, nested)).toBe(true);
    expect(matches({ detail: { 'c-count': [{ exists: true }] } }, nested)).toBe(false);
    expect(matches({ detail: { v: [{ exists: true }] } }, withDetail({ v: null }))).toBe(true);
  });

  it('cidr for IPv4 and IPv6 (documented example)', () => {
    expect(matches({ detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, EC2_EVENT)).toBe(true);
    expect(matches({ detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } }, EC2_EVENT)).toBe(false);
    const v6 = { sourceIPAddress: [{ cidr: 'bc09:0000::/24' }] };
    expect(matches(v6, { sourceIPAddress: 'bc09:0012::1' })).toBe(true);
    expect(matches(v6, { sourceIPAddress: 'bc0a::1' })).toBe(false);
    expect(matches(v6, { sourceIPAddress: 'not an ip' })).toBe(false);
    // An IP in an exact match is compared as an address.
    expect(matches({ ip: ['::1'] }, { ip: '0:0:0:0:0:0:0:1' })).toBe(true);
  });
});

describe('$or', () => {
  it('one of several fields (documented example)', () => {
    const pattern = {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { 'd-count': [{ numeric: ['<', 10] }] },
          { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
        ],
      },
    };
    expect(matches(pattern, withDetail({ 'c-count': 100, 'd-count': 100, 'x-limit': 301.8 }))).toBe(true);
    expect(matches(pattern, withDetail({ 'c-count': 100, 'd-count': 100, 'x-limit': 1 }))).toBe(false);
  });

  it('an $or beside other fields, with an AND inside a branch (event-ruler README)', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] },
        { scope: ['Service'] },
      ],
    };
    expect(matches(pattern, { source: 'aws.cloudwatch', metricName: 'ReadLatency' })).toBe(true);
    expect(
      matches(pattern, { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES' }),
    ).toBe(true);
    expect(matches(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/ES' })).toBe(false);
    expect(matches(pattern, { source: 'aws.ec2', metricName: 'ReadLatency' })).toBe(false);
  });
});

describe('invalid patterns are refused with the reason', () => {
  const refused: [string, unknown, RegExp][] = [
    ['not an object', ['a'], /Filter is not an object/],
    ['not JSON', '{"source": [', /not valid JSON/],
    ['a scalar field value', { source: 'aws.ec2' }, /"source" must be an object or an array/],
    ['an empty array', { source: [] }, /Empty arrays are not allowed/],
    ['an empty object', { detail: {} }, /Empty objects are not allowed/],
    ['an unknown operator', { source: [{ contains: 'x' }] }, /Unrecognized match type contains/],
    ['two operators in one object', { a: [{ prefix: 'a', suffix: 'b' }] }, /Only one key allowed/],
    ['a non-string prefix', { a: [{ prefix: 1 }] }, /prefix match pattern must be a string/],
    ['consecutive wildcards', { a: [{ wildcard: 'a**b' }] }, /Consecutive wildcard characters/],
    ['a bad wildcard escape', { a: [{ wildcard: 'a\\b' }] }, /Invalid escape character/],
    ['mixed anything-but types', { a: [{ 'anything-but': ['a', 1] }] }, /all values are number or string/],
    ['anything-but null', { a: [{ 'anything-but': null }] }, /all values are number or string/],
    [
      'an unknown anything-but operator',
      { a: [{ 'anything-but': { numeric: 1 } }] },
      /Unsupported anything-but/,
    ],
    ['numeric not an array', { a: [{ numeric: 5 }] }, /must be an array/],
    ['a bad numeric operator', { a: [{ numeric: ['!=', 5] }] }, /Unrecognized numeric range operator/],
    ['an empty range', { a: [{ numeric: ['>', 5, '<', 5] }] }, /Bottom must be less than top/],
    ['a string bound', { a: [{ numeric: ['>', '5'] }] }, /must be numeric/],
    ['exists not boolean', { a: [{ exists: 'yes' }] }, /either true or false/],
    ['a malformed cidr', { a: [{ cidr: '10.0.0.0' }] }, /Malformed CIDR/],
    ['a cidr mask too long', { a: [{ cidr: '10.0.0.0/33' }] }, /mask bits must be < 32/],
    ['$or with one branch', { $or: [{ a: ['x'] }] }, /at least 2 Objects/],
    ['$or not an array', { $or: { a: ['x'] } }, /must be an Array/],
    ['an operator as a field inside $or', { $or: [{ prefix: ['x'] }, { b: ['y'] }] }, /reserved keyword/],
  ];
  it.each(refused)('%s', (_name, pattern, reason) => {
    let caught: unknown;
    try {
      parseEventPattern(pattern);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidEventPatternError);
    expect((caught as InvalidEventPatternError).message).toMatch(reason);
  });

  it('says where in the pattern the problem is', () => {
    expect(() => parseEventPattern({ detail: { state: [{ prefix: 1 }] } })).toThrow(/at detail\.state/);
  });
});

describe('robustness (property-based)', () => {
  it('refuses any JSON that is not a valid pattern only with InvalidEventPatternError, and never throws while matching', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 }), (candidate, event) => {
        let pattern: ReturnType<typeof parseEventPattern>;
        try {
          pattern = parseEventPattern(candidate);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidEventPatternError);
          return;
        }
        expect(typeof matchesEventPattern(pattern, event)).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('an exact pattern built from an event matches that event, and not one with a changed value', () => {
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1 }).filter((k) => k !== '$or'),
          leaf,
          { minKeys: 1 },
        ),
        (detail) => {
          const pattern = parseEventPattern({
            detail: Object.fromEntries(Object.entries(detail).map(([k, v]) => [k, [v]])),
          });
          expect(matchesEventPattern(pattern, { detail })).toBe(true);
          const [key] = Object.keys(detail) as [string];
          expect(matchesEventPattern(pattern, { detail: { ...detail, [key]: { changed: true } } })).toBe(
            false,
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
