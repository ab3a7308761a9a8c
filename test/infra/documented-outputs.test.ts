import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STACK_OUTPUT_KEYS } from '../../cli/ops/target.js';
import { outputsNamedIn } from '../docs/doc-outputs.js';
import { documentedFiles } from '../docs/markdown-commands.js';
import { devProps, productionProps, synthStack } from './synth.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DOCS = documentedFiles(ROOT);

/** The outputs of the template in each shape: defaults, and with every optional part switched on. */
const templateOutputs = (): Set<string> =>
  new Set(
    [{ stage: 'dev', production: false }, devProps, productionProps].flatMap((props) =>
      Object.keys(
        (synthStack(props).template.toJSON() as { Outputs?: Record<string, unknown> }).Outputs ?? {},
      ),
    ),
  );

describe('the stack outputs the docs name', () => {
  const outputs = templateOutputs();
  const named = DOCS.flatMap((file) => outputsNamedIn(file, readFileSync(join(ROOT, file), 'utf8')));

  it('are outputs of the synthesized template', () => {
    expect(named.length).toBeGreaterThan(15);
    expect(named.filter((n) => !outputs.has(n.name)).map((n) => `${n.where}: ${n.name}`)).toEqual([]);
  });

  it("are all in docs/deploy.md's Outputs table, and the CLI reads only outputs the template has", () => {
    const table = new Set(
      outputsNamedIn('docs/deploy.md', readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8')).map((n) => n.name),
    );
    expect([...outputs].filter((o) => !table.has(o))).toEqual([]);
    expect(Object.values(STACK_OUTPUT_KEYS).filter((k) => !outputs.has(k))).toEqual([]);
  });

  it('a name the template does not have is found in a doc', () => {
    const planted = outputsNamedIn(
      'copy.md',
      'Consumers read the schemas of the `SchemaRegistryName` stack output.\n\n## Outputs\n\n| output | what |\n| --- | --- |\n| `QueueURL` | the queue |\n',
    ).map((n) => n.name);
    expect(planted.filter((n) => !outputs.has(n))).toEqual(['SchemaRegistryName', 'QueueURL']);
  });
});
