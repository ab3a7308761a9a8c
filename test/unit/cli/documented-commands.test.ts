import { resolve } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { planOf } from '../../docs/command-plan.js';
import { documentedCommands } from '../../docs/markdown-commands.js';
import { runCli, tempDir, writeLines } from '../../ops/stubs/run-cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** A documented `webhook-pipeline` line: where it is, and the CLI's arguments. */
interface DocumentedLine {
  readonly where: string;
  readonly text: string;
  readonly env: Readonly<Record<string, string>>;
  readonly argv: readonly string[];
}

/**
 * Every `webhook-pipeline` command line of the shell blocks of the docs (`npx webhook-pipeline …`,
 * `npm run dev [-- …]`). Each is parsed, run or marked by test/docs/doc-commands.test.ts.
 */
const documentedLines = (): DocumentedLine[] =>
  documentedCommands(ROOT).flatMap((command) => {
    const plan = planOf(command);
    return plan.tool === 'cli' && !command.inline
      ? [{ where: command.file, text: command.text, env: command.env, argv: plan.argv }]
      : [];
  });

describe('the command lines of the README and docs/', () => {
  it('are found: every command of the CLI is documented at least once', () => {
    const lines = documentedLines();
    const commands = new Set(lines.map((l) => l.argv[0]));
    for (const name of ['dev', 'fire', 'send', 'events', 'register', 'unregister', 'reconcile', 'replay'])
      expect(commands, name).toContain(name);
    for (const name of ['redrive-dlq', 'requeue', 'requeue-quarantined'])
      expect(commands, name).toContain(name);
    expect(lines.length).toBeGreaterThan(30);
  });
});

describe("README's register plaid --wait line", () => {
  const cloudFormation = mockClient(CloudFormationClient);
  afterEach(() => cloudFormation.reset());

  it('runs as written: past the usage checks, up to reading the stack (exit 1 here, not 2)', async () => {
    // Prepare: the line, its tokens file, and a stack that cannot be read (no AWS in tests)
    const line = documentedLines().find(
      (l) =>
        l.where === 'README.md' && l.argv.join(' ').startsWith('register plaid') && l.argv.includes('--wait'),
    );
    if (!line) throw new Error('README has no register plaid --wait line');
    const dir = tempDir();
    const tokens = writeLines(dir, 'tokens.txt', ['access-production-0000-1111']);
    const argv = line.argv.map((w) => (w === 'tokens.txt' ? tokens : w));
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(new Error('Stack with id WebhookPipeline-prod does not exist'));
    // Act
    const run = await runCli(argv, { ...line.env, AWS_REGION: 'us-east-1' });
    // Assess
    expect(run.stderr).not.toContain('usage');
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('cannot read the outputs of stack WebhookPipeline-prod');
  });
});
