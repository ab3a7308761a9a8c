import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBus, startLocalBus } from '../../local/local-bus.js';

let bus: LocalBus;
let client: EventBridgeClient;
const eventsLog = join(mkdtempSync(join(tmpdir(), 'wp-bus-')), 'events.ndjson');
const seen: string[] = [];

beforeAll(async () => {
  bus = await startLocalBus({ eventsLog, onEvent: (_event, line) => seen.push(line) });
  client = new EventBridgeClient({ endpoint: bus.endpoint, region: 'us-east-1' });
});
afterAll(async () => {
  client.destroy();
  await bus.close();
});

describe('local bus', () => {
  it('keeps the detail exactly as it was put: integers above 2^53, key order, escapes', async () => {
    // Prepare: JSON.parse then JSON.stringify would turn 2^53 + 1 into 9007199254740992
    // and the escaped solidus into "/".
    const detail = '{"z":1,"big":9007199254740993,"n":1.50,"s":"a\\/b \\u00e9","a":[]}';
    // Act
    const out = await client.send(
      new PutEventsCommand({
        Entries: [{ Source: 'webhooks.test', DetailType: 'exact', Detail: detail, EventBusName: 'local' }],
      }),
    );
    // Assert
    expect(out.FailedEntryCount).toBe(0);
    const line = readFileSync(eventsLog, 'utf8').trim().split('\n').at(-1) ?? '';
    expect(line.endsWith(`,"detail":${detail}}`)).toBe(true);
    expect(JSON.parse(line)).toMatchObject({ version: '0', source: 'webhooks.test', 'detail-type': 'exact' });
    expect(seen.at(-1)).toBe(line);
  });

  it('keeps one event per line when the detail text spans lines', async () => {
    const detail = '{\n  "a": "x",\r\n  "b": 2\n}';
    await client.send(
      new PutEventsCommand({ Entries: [{ Source: 'webhooks.test', DetailType: 'lines', Detail: detail }] }),
    );
    const line = readFileSync(eventsLog, 'utf8').trim().split('\n').at(-1) ?? '';
    expect(JSON.parse(line).detail).toEqual({ a: 'x', b: 2 });
  });
});
