import { describe, expect, it } from 'vitest';
import { EVENTBRIDGE_MAX_ENTRY_BYTES } from '../../../lambdas/shared/aws-limits.js';
import { refuseEntry, refuseRequest, wireEntrySize } from '../../../local/eventbridge-limits.js';

const entry = (over: Record<string, unknown> = {}) => ({
  Source: 'webhooks.plaid',
  DetailType: 'ITEM.ERROR',
  Detail: '{"metadata":{},"data":{}}',
  ...over,
});

describe('what the local bus refuses, as PutEvents does', () => {
  it('takes a detail-type of 128 characters and refuses 129 (InvalidArgument)', () => {
    expect(refuseEntry(entry({ DetailType: 'x'.repeat(128) }))).toBeUndefined();
    expect(refuseEntry(entry({ DetailType: 'x'.repeat(129) }))?.ErrorCode).toBe('InvalidArgument');
    expect(refuseEntry(entry({ DetailType: '' }))?.ErrorCode).toBe('InvalidArgument');
    expect(refuseEntry(entry({ DetailType: undefined }))?.ErrorCode).toBe('InvalidArgument');
  });

  it('refuses a source that is empty or over 256 characters', () => {
    expect(refuseEntry(entry({ Source: 's'.repeat(256) }))).toBeUndefined();
    expect(refuseEntry(entry({ Source: 's'.repeat(257) }))?.ErrorCode).toBe('InvalidArgument');
    expect(refuseEntry(entry({ Source: '' }))?.ErrorCode).toBe('InvalidArgument');
  });

  it.each([
    ['not JSON', '{"a":'],
    ['an array', '[1]'],
    ['a string', '"x"'],
    ['null', 'null'],
    ['an integer above int64', '{"n":9223372036854775808}'],
    ['an integer below int64', '{"n":-9223372036854775809}'],
    ['nesting of 1001 levels', `${'['.repeat(1000)}${']'.repeat(1000)}`.replace(/^/, '{"a":').concat('}')],
  ])('refuses a detail that is %s (MalformedDetail)', (_name, detail) => {
    expect(refuseEntry(entry({ Detail: detail }))?.ErrorCode).toBe('MalformedDetail');
  });

  it.each([
    ['int64 bounds', '{"max":9223372036854775807,"min":-9223372036854775808}'],
    ['big numbers that are not integers', '{"f":123456789012345678901234.5}'],
    ['digits inside strings', '{"s":"99999999999999999999999","t":"[[[["}'],
    ['nesting of 1000 levels', `{"a":${'['.repeat(999)}${']'.repeat(999)}}`],
  ])('takes %s', (_name, detail) => {
    expect(refuseEntry(entry({ Detail: detail }))).toBeUndefined();
  });

  it('sizes an entry as EventBridge does and refuses requests over 1 MiB or 10 entries', () => {
    const e = entry({ Time: 1, Resources: ['arn:x'] });
    expect(wireEntrySize(e)).toBe(14 + 'webhooks.plaid'.length + 'ITEM.ERROR'.length + e.Detail.length + 5);
    const fill = (bytes: number) =>
      entry({ Detail: `{"p":"${'x'.repeat(bytes - 'webhooks.plaid'.length - 'ITEM.ERROR'.length - 8)}"}` });
    expect(wireEntrySize(fill(EVENTBRIDGE_MAX_ENTRY_BYTES))).toBe(EVENTBRIDGE_MAX_ENTRY_BYTES);
    expect(refuseRequest([fill(EVENTBRIDGE_MAX_ENTRY_BYTES)])).toBeUndefined();
    expect(refuseRequest([fill(EVENTBRIDGE_MAX_ENTRY_BYTES + 1)])?.__type).toBe('ValidationException');
    expect(refuseRequest([])?.__type).toBe('ValidationException');
    expect(refuseRequest(Array.from({ length: 11 }, () => entry()))?.__type).toBe('ValidationException');
    expect(refuseRequest(Array.from({ length: 10 }, () => entry()))).toBeUndefined();
  });
});
