import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRuleWorker, type RetryPolicy } from '../../../local/subscriptions/rule-delivery.js';
import { parseRules, RulesFileError } from '../../../local/subscriptions/rules-file.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const FAST: RetryPolicy = {
  firstDelayMs: 10,
  maxDelayMs: 40,
  maxAgeMs: 60_000,
  timeoutMs: 2000,
  handlerTimeoutMs: 2000,
};

/** A consumer's project: a folder with a rules file, handler modules and, when asked, tsx installed. */
const project = (files: Record<string, string>, { tsx = false } = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-lambda-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  if (tsx) {
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', 'tsx'), join(dir, 'node_modules', 'tsx'), 'junction');
  }
  return dir;
};

const rulesOf = (dir: string, target: string) =>
  parseRules(
    JSON.stringify([{ name: 'handle', eventPattern: { source: ['webhooks.plaid'] }, target }]),
    join(dir, 'rules.json'),
  );

const EVENT =
  '{"version":"0","id":"e1","detail-type":"ITEM.ERROR","source":"webhooks.plaid","detail":{"n":1}}';

/**
 * Runs one event through a rule's worker until it is delivered or given up, or until `stopAfter`
 * attempts (for a handler that keeps failing); every attempt's outcome.
 */
const deliver = async (dir: string, target: string, stopAfter = Number.POSITIVE_INFINITY) => {
  const [rule] = rulesOf(dir, target);
  if (!rule) throw new Error('no rule');
  const attempts: string[] = [];
  const worker = createRuleWorker({
    rule: rule.name,
    targetText: rule.targetText,
    target: rule.target,
    retry: FAST,
    onAttempt: (_, a) => attempts.push(a.ok ? 'ok' : `${a.error}${a.retryAt ? ' (retried)' : ' (final)'}`),
  });
  const queuedAt = new Date().toISOString();
  worker.enqueue({ id: 1, eventId: 'e1', webhookId: 'w1', detailType: 'ITEM.ERROR', queuedAt }, EVENT);
  while (worker.pending() && attempts.length < stopAfter) await new Promise((r) => setTimeout(r, 5));
  worker.stop();
  return attempts;
};

describe('lambda: targets of local rules', () => {
  it('invokes a TypeScript handler with tsx from the consumer’s project, with the event as a rule target receives it', async () => {
    const dir = project(
      {
        'src/handler.ts': `import { writeFileSync } from 'node:fs';
interface Seen { readonly event: unknown; readonly fn: string }
export const onEvent = async (event: unknown, context: { functionName: string }): Promise<void> => {
  const seen: Seen = { event, fn: context.functionName };
  writeFileSync(new URL('../seen.json', import.meta.url), JSON.stringify(seen));
};`,
        'tsconfig.json': '{"compilerOptions":{"strict":true}}',
        'package.json': '{"type":"module"}',
      },
      { tsx: true },
    );
    expect(await deliver(dir, 'lambda:./src/handler.ts#onEvent')).toEqual(['ok']);
    expect(JSON.parse(readFileSync(join(dir, 'seen.json'), 'utf8'))).toEqual({
      event: JSON.parse(EVENT),
      fn: 'handle',
    });
  });

  it('retries a handler that throws, and runs the file as edited when it changed', async () => {
    const dir = project({
      'handler.mjs': `let calls = 0;
export const handler = async () => { calls += 1; if (calls < 3) throw new TypeError('not ready ' + calls); };`,
    });
    expect(await deliver(dir, 'lambda:./handler.mjs')).toEqual([
      'TypeError: not ready 1 (retried)',
      'TypeError: not ready 2 (retried)',
      'ok',
    ]);
    writeFileSync(join(dir, 'handler.mjs'), `export const handler = () => { throw new Error('edited'); };`);
    utimesSync(join(dir, 'handler.mjs'), new Date(), new Date(Date.now() + 5000));
    expect((await deliver(dir, 'lambda:./handler.mjs', 2)).slice(0, 2)).toEqual([
      'Error: edited (retried)',
      'Error: edited (retried)',
    ]);
  });

  it('gives up at once when the module exports no such function, naming what it exports', async () => {
    const dir = project({ 'handler.mjs': 'export const other = () => {};\nexport const value = 1;' });
    expect(await deliver(dir, 'lambda:./handler.mjs#handler')).toEqual([
      `${join(dir, 'handler.mjs')} exports no function "handler" (it exports: other, value) (final)`,
    ]);
  });

  it('refuses a TypeScript handler when the consumer’s project has no tsx, saying how to run it', () => {
    const dir = project({ 'src/handler.ts': 'export const handler = async () => {};' });
    expect(() => rulesOf(dir, 'lambda:./src/handler.ts#handler')).toThrow(RulesFileError);
    expect(() => rulesOf(dir, 'lambda:./src/handler.ts#handler')).toThrow(
      `is TypeScript, and no tsx is installed for ${dir}: install it there (npm install --save-dev tsx) to run the handler as it is, or point the target at the compiled JavaScript (lambda:./dist/handler.js#handler)`,
    );
  });

  it.each([
    ['a module that does not exist', 'lambda:./missing.mjs', 'missing.mjs does not exist'],
    ['an export name that is not one', 'lambda:./handler.mjs#not-a-name', 'a target is'],
  ])('refuses %s', (_, target, reason) => {
    const dir = project({ 'handler.mjs': 'export const handler = () => {};' });
    expect(() => rulesOf(dir, target)).toThrow(reason);
  });
});
