import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { Command } from '@commander-js/extra-typings';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../cli/cli-context.js';
import { createProgram } from '../../../cli/program.js';
import { runCli, tempDir, writeLines } from '../../ops/stubs/run-cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
];

/** Splits a shell line into words, honouring single and double quotes. */
const words = (line: string): string[] =>
  [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');

/** A documented command line: where it is, and the CLI's arguments (what follows `webhook-pipeline`). */
interface DocumentedLine {
  readonly where: string;
  readonly text: string;
  readonly argv: string[];
}

/**
 * Every command line of the shell blocks of the README and docs/: `npx webhook-pipeline …`
 * (after any VAR=value), and `npm run dev [-- …]`, which runs `webhook-pipeline dev`.
 */
const documentedLines = (): DocumentedLine[] => {
  const found: DocumentedLine[] = [];
  for (const file of DOCS) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
      const lines = (block[1] ?? '').replace(/\\\n\s*/g, ' ').split('\n');
      for (const raw of lines) {
        // Without a trailing comment, and without the redirection of the output to a file.
        const line = raw
          .replace(/\s+#.*$/, '')
          .replace(/\s+>\s*\S+$/, '')
          .trim();
        const cli = /(?:^|\s)(?:npx )?webhook-pipeline (.*)$/.exec(line);
        const dev = /(?:^|\s|&& )npm run dev(?: -- (.*))?$/.exec(line);
        if (cli) found.push({ where: file, text: line, argv: words(cli[1] ?? '') });
        else if (dev) found.push({ where: file, text: line, argv: ['dev', ...words(dev[1] ?? '')] });
      }
    }
  }
  return found;
};

/** The command tree with every action replaced by one that only records which command ran. */
const parseOnly = (): { program: Command; ran: string[] } => {
  const ctx: CliContext = {
    env: {},
    out: () => undefined,
    err: () => undefined,
    columns: undefined,
    status: 0,
  };
  const program = createProgram(ctx);
  const ran: string[] = [];
  const visit = (command: Command, path: string[]) => {
    command.action(() => {
      ran.push(path.join(' '));
    });
    for (const sub of command.commands) visit(sub as unknown as Command, [...path, sub.name()]);
  };
  visit(program, []);
  return { program, ran };
};

describe('the command lines of the README and docs/', () => {
  const lines = documentedLines();

  it('are found: every command of the CLI is documented at least once', () => {
    const commands = new Set(lines.map((l) => l.argv[0]));
    for (const name of ['dev', 'fire', 'send', 'events', 'register', 'unregister', 'reconcile', 'replay'])
      expect(commands, name).toContain(name);
    for (const name of ['redrive-dlq', 'requeue', 'requeue-quarantined'])
      expect(commands, name).toContain(name);
    expect(lines.length).toBeGreaterThan(30);
  });

  it('parse as written: every flag, argument and value is accepted', async () => {
    for (const line of lines) {
      const { program, ran } = parseOnly();
      await expect(
        program.parseAsync(line.argv, { from: 'user' }),
        `${line.where}: ${line.text}`,
      ).resolves.toBeDefined();
      expect(ran, `${line.where}: ${line.text}`).toHaveLength(1);
    }
  });

  it('name stacks as the CDK app does: WebhookPipeline-<stage>', () => {
    const stacks = lines.flatMap((l) =>
      l.argv.flatMap((word, i) => (l.argv[i - 1] === '--stack' ? [`${l.where}: ${word}`] : [])),
    );
    expect(stacks.length).toBeGreaterThan(10);
    for (const stack of stacks) expect(stack).toMatch(/: WebhookPipeline-[a-z]+$/);
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
    const env = Object.fromEntries(
      [...line.text.matchAll(/(?:^|\s)([A-Z_]+)=(\S+)\s/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(new Error('Stack with id WebhookPipeline-prod does not exist'));
    // Act
    const run = await runCli(argv, { ...env, AWS_REGION: 'us-east-1' });
    // Assess
    expect(run.stderr).not.toContain('usage');
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('cannot read the outputs of stack WebhookPipeline-prod');
  });
});
