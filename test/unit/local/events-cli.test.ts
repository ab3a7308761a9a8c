import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'wp-events-cli-'));

const cli = async (args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    args,
    { LOCAL_DIR: dir },
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
};

describe('webhook-pipeline events test-pattern', () => {
  it('prints true or false and exits 0 either way', async () => {
    const pattern =
      '{"source":["webhooks.plaid"],"detail":{"data":{"new_transactions":[{"numeric":[">",0]}]}}}';
    const event = (n: number) =>
      JSON.stringify({ source: 'webhooks.plaid', detail: { data: { new_transactions: n } } });
    expect(await cli(['events', 'test-pattern', '--pattern', pattern, '--event', event(3)])).toMatchObject({
      code: 0,
      out: 'true',
    });
    expect(await cli(['events', 'test-pattern', '--pattern', pattern, '--event', event(0)])).toMatchObject({
      code: 0,
      out: 'false',
    });
  });

  it('reads @file arguments and keeps integers above 2^53 exact', async () => {
    writeFileSync(join(dir, 'pattern.json'), '{"detail":{"id":[12345678901234567891]}}');
    writeFileSync(join(dir, 'event.json'), '{"detail":{"id":12345678901234567891}}');
    writeFileSync(join(dir, 'other.json'), '{"detail":{"id":12345678901234567890}}');
    const args = ['events', 'test-pattern', '--pattern', `@${join(dir, 'pattern.json')}`, '--event'];
    expect((await cli([...args, `@${join(dir, 'event.json')}`])).out).toBe('true');
    expect((await cli([...args, `@${join(dir, 'other.json')}`])).out).toBe('false');
  });

  it('exits 2 with the reason for an invalid pattern', async () => {
    const result = await cli([
      'events',
      'test-pattern',
      '--pattern',
      '{"a":[{"numeric":[">","5"]}]}',
      '--event',
      '{}',
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/Event pattern is not valid\. Reason: Value of > must be numeric \(at a\)/);
    expect(result.out).toBe('');
  });
});

describe('webhook-pipeline events tail --pattern', () => {
  it('prints only the events the pattern matches', async () => {
    const log = join(dir, 'events.ndjson');
    const line = (type: string, id: string) =>
      JSON.stringify({
        source: 'webhooks.argyle',
        'detail-type': type,
        detail: { metadata: { webhookId: id } },
      });
    writeFileSync(
      log,
      `${line('accounts.connected', 'w1')}\n${line('accounts.updated', 'w2')}\n${line('paystubs.added', 'w3')}\n`,
    );
    const result = await cli([
      'events',
      'tail',
      '--file',
      log,
      '--pattern',
      '{"detail-type":[{"prefix":"accounts."}],"detail":{"metadata":{"webhookId":[{"anything-but":"w2"}]}}}',
    ]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('w1');
    expect(result.out).not.toContain('w2');
    expect(result.out).not.toContain('w3');
  });
});
