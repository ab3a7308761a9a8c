import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { silentProgram } from '../../docs/cli-parse.js';
import { freePort } from '../../helpers/dev-process.js';
import { runCli, tempDir, writeLines } from '../../ops/stubs/run-cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** Every command path of the tree: `['fire']`, `['register', 'plaid']`, … */
const commandPaths = (): string[][] => {
  const paths: string[][] = [];
  const visit = (command: Command, path: string[]) => {
    if (path.length) paths.push(path);
    for (const sub of command.commands) visit(sub as unknown as Command, [...path, sub.name()]);
  };
  visit(silentProgram(), []);
  return paths;
};

describe('webhook-pipeline on commander', () => {
  it('prints help for every command and subcommand with exit 0, the same through help <command>', async () => {
    const paths = commandPaths();
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining(['dev', 'fire', 'register plaid', 'register argyle', 'events tail', 'requeue']),
    );
    for (const path of paths) {
      const help = await runCli([...path, '--help'], {});
      expect(help.code, path.join(' ')).toBe(0);
      expect(help.stdout, path.join(' ')).toMatch(new RegExp(`^Usage: webhook-pipeline ${path.join(' ')}`));
      expect(help.stderr).toBe('');
    }
    for (const name of ['fire', 'register', 'replay']) {
      expect((await runCli(['help', name], {})).stdout).toBe((await runCli([name, '--help'], {})).stdout);
    }
  });

  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(await runCli(['--version'], {})).toEqual({ code: 0, stdout: version, stderr: '' });
  });

  it('names an unknown option in balanced quotes and suggests the nearest one (exit 2)', async () => {
    const run = await runCli(['fire', 'argyle', 'accounts.connected', '--sett', 'data.account=x'], {});
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      "webhook-pipeline fire: unknown option '--sett'; did you mean --set?\nRun 'webhook-pipeline fire --help' for usage.",
    );
    expect(run.stderr.split("'").length % 2).toBe(1);
  });

  it('suggests the nearest command and subcommand, and lists them when none is given (exit 2)', async () => {
    const command = await runCli(['replya'], {});
    const sub = await runCli(['register', 'plaif'], {});
    const none = await runCli(['register'], {});
    expect([command.code, sub.code, none.code]).toEqual([2, 2, 2]);
    expect(command.stderr).toContain("unknown command 'replya'; did you mean replay?");
    expect(sub.stderr).toContain('unknown provider "plaif": use plaid or argyle (did you mean plaid?)');
    expect(none.stderr).toBe(
      "webhook-pipeline register: missing provider: plaid or argyle\nRun 'webhook-pipeline register --help' for usage.",
    );
  });

  it('keeps the usage messages of the checks (exit 2) and tells failures from them (exit 1)', async () => {
    const runs = await Promise.all([
      runCli(['requeue', '--local', '--concurrency', '0'], {}),
      runCli(['replay', '--local', '--from', 'yesterday'], {}),
      runCli(['redrive-dlq', '--local', '--rate', 'fast'], {}),
      runCli(['replay', '--local', '--from', '1h', '--segments', '65'], {}),
      runCli(['send', 'stripe', '--file', 'x.json'], {}),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    expect(runs[0]?.stderr).toBe(
      'webhook-pipeline requeue: --concurrency must be a whole number from 1 to 50, got "0"\n' +
        "Run 'webhook-pipeline requeue --help' for usage.",
    );
    expect(runs[1]?.stderr).toContain('--from must be an ISO 8601 time');
    expect(runs[2]?.stderr).toContain('--rate must be a positive rate (50, 50/s or 3000/m), got "fast"');
    expect(runs[3]?.stderr).toContain('--segments must be a whole number from 1 to 64, got "65"');
    expect(runs[4]?.stderr).toContain('unknown provider "stripe": use plaid or argyle');
    const file = writeLines(tempDir(), 'payload.json', ['{"event":"accounts.connected","data":{}}']);
    const port = await freePort();
    const failed = await runCli(['send', 'argyle', '--file', file, '--url', `http://127.0.0.1:${port}/`], {
      ARGYLE_WEBHOOK_SECRETS: 'a-secret',
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(
      `webhook-pipeline send: could not reach http://127.0.0.1:${port}/ (ECONNREFUSED); is the local pipeline running (npm run dev)?`,
    );
  });
});
