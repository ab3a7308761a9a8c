import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localWebhookUrl, postWebhook, signForLocal } from '../../cli/local-settings.js';
import { findEntry, sampleBody } from '../../cli/samples.js';
import { type DevProcess, startDevProcess } from '../helpers/dev-process.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * A consumer's project as a team has it: a TypeScript handler in src/, its tsconfig, tsx installed
 * (a link to this repository's), and the rules file of `dev --rules` beside them. The handler
 * throws on its first two invocations and records every event it is given.
 */
const consumerProject = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-consumer-'));
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(join(ROOT, 'node_modules', 'tsx'), join(dir, 'node_modules', 'tsx'), 'junction');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', type: 'module', private: true }),
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext' } }),
  );
  writeFileSync(
    join(dir, 'src', 'handler.ts'),
    `import { appendFileSync } from 'node:fs';

interface ItemErrorEvent {
  readonly 'detail-type': string;
  readonly detail: { readonly data: { readonly item_id: string } };
}

let invocations = 0;

export const onItemError = async (event: ItemErrorEvent): Promise<void> => {
  invocations += 1;
  appendFileSync(new URL('../received.ndjson', import.meta.url), \`\${JSON.stringify(event)}\\n\`);
  if (invocations <= 2) throw new Error(\`item store unavailable (invocation \${invocations})\`);
};
`,
  );
  writeFileSync(
    join(dir, 'rules.json'),
    JSON.stringify([
      {
        name: 'item-errors',
        eventPattern: { source: ['webhooks.plaid'], 'detail-type': ['ITEM.ERROR'] },
        target: 'lambda:./src/handler.ts#onItemError',
      },
    ]),
  );
  return dir;
};

interface DeliveryView {
  readonly rule: string;
  readonly target: string;
  readonly webhookId: string;
  readonly state: string;
  readonly attempts: { attempt: number; ok: boolean; error?: string; retryAt?: string }[];
}

let dev: DevProcess;
let dir: string;

beforeAll(async () => {
  dir = consumerProject();
  dev = await startDevProcess({}, ['--rules', join(dir, 'rules.json')]);
}, 90_000);

afterAll(async () => {
  await dev?.stop();
});

describe('dev --rules with a lambda: target', () => {
  it("runs the consumer's TypeScript handler with the event a rule target receives, retries it while it throws, and the console shows each attempt", async () => {
    // Prepare: the console's event stream, open before anything happens.
    const frames: DeliveryView[] = [];
    const stream = new AbortController();
    const response = await fetch(`${dev.url}/console/api/stream`, { signal: stream.signal });
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          const message = data ? (JSON.parse(data) as { type?: string; delivery?: DeliveryView }) : {};
          if (message.type === 'delivery' && message.delivery) frames.push(message.delivery);
        }
      }
    })().catch(() => undefined);

    // Act: an ITEM.ERROR webhook, signed as Plaid signs it.
    const body = sampleBody(findEntry('plaid', ['ITEM', 'ERROR']), ['item_id=item-lambda-1']);
    const headers = await signForLocal('plaid', body, dev.env, dev.env.LOCAL_DIR ?? '');
    const answer = await postWebhook(localWebhookUrl(dev.env, 'plaid'), body, headers);
    expect(answer.status).toBe(200);
    const { webhookId } = JSON.parse(answer.text) as { webhookId: string };

    // Assert: the console's state says delivered on the third attempt, after two failures.
    const view = await waitForDelivery(webhookId);
    expect(view.rule).toBe('item-errors');
    expect(view.target).toBe('lambda:./src/handler.ts#onItemError');
    expect(view.attempts.map((a) => [a.attempt, a.ok, a.error ?? null, Boolean(a.retryAt)])).toEqual([
      [1, false, 'Error: item store unavailable (invocation 1)', true],
      [2, false, 'Error: item store unavailable (invocation 2)', true],
      [3, true, null, false],
    ]);
    // The console's stream pushed each attempt as it happened.
    await new Promise((r) => setTimeout(r, 200));
    stream.abort();
    await reading;
    const pushed = frames.filter((f) => f.webhookId === webhookId).map((f) => f.attempts.length);
    expect(pushed).toEqual([1, 2, 3]);
    // The dev log has a line for each attempt.
    for (const line of [
      `item-errors → lambda:./src/handler.ts#onItemError  ${webhookId} attempt 1: Error: item store unavailable (invocation 1); retry at`,
      `item-errors → lambda:./src/handler.ts#onItemError  ${webhookId} attempt 2: Error: item store unavailable (invocation 2); retry at`,
      `item-errors → lambda:./src/handler.ts#onItemError  ${webhookId} attempt 3: delivered`,
    ])
      expect(dev.output()).toContain(line);
    // Each invocation was given the event exactly as the bus wrote it for rule targets.
    const logged = readFileSync(dev.eventsLog, 'utf8')
      .split('\n')
      .find((l) => l.includes(`"webhookId":"${webhookId}"`));
    const received = readFileSync(join(dir, 'received.ndjson'), 'utf8').split('\n').filter(Boolean);
    expect(received).toHaveLength(3);
    for (const line of received) expect(JSON.parse(line)).toEqual(JSON.parse(logged ?? 'null'));
  }, 60_000);
});

/** The console's view of the delivery of a webhook, once it is no longer pending. */
const waitForDelivery = async (webhookId: string): Promise<DeliveryView> => {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const view = (await (await fetch(`${dev.url}/console/api/subscriptions`)).json()) as {
      deliveries: DeliveryView[];
    };
    const delivery = view.deliveries.find((d) => d.webhookId === webhookId);
    if (delivery && delivery.state !== 'pending') return delivery;
    if (Date.now() > deadline) throw new Error(`no finished delivery of ${webhookId}:\n${dev.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
