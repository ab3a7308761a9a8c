import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownTable } from '../../../bench/lib/markdown-table.js';

const BIOME = join(process.cwd(), 'node_modules', '.bin', 'biome');

/** What the project's formatter makes of a Markdown file's text. */
const formatted = (text: string) =>
  execFileSync(BIOME, ['format', '--stdin-file-path=bench/results/latest.md'], {
    input: text,
    encoding: 'utf8',
  });

describe('markdownTable (what the bench writes to bench/results/latest.md)', () => {
  it('writes tables the formatter leaves unchanged: uneven cells, symbols, empty cells, pipes', () => {
    // Prepare
    const text = `${markdownTable([
      ['figure', 'measured', 'ratio', 'status'],
      ['Ingest CPU, Argyle (µs/webhook, median / p99)', '36.1 / 120.4', '7.1×', 'MISSED'],
      ['Last 2xx → its event on the bus (ms)', '30', '', ''],
      ['a | b', '≤ 4', 'x', ''],
      ['**total**', '', '**3.82**', 'met'],
    ])}\n\n${markdownTable([
      ['a', 'b'],
      ['', ''],
    ])}\n`;
    // Act
    const result = formatted(text);
    // Assess
    expect(result).toBe(text);
  });
});
