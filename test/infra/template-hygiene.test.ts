import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SCHEMA_CREATION_LANES } from '../../lib/constructs/event-bus.js';
import { WebhookPipelineStack } from '../../lib/webhook-pipeline-stack.js';
import { devProps, productionProps, synthStack, testApp } from './synth.js';
import type { Json } from './template-helpers.js';

/** Paths of every empty string, array or object under the resources' properties. */
const emptyValues = (value: Json, path: string): string[] => {
  if (value === '') return [path];
  if (Array.isArray(value)) {
    return value.length === 0 ? [path] : value.flatMap((v, i) => emptyValues(v, `${path}[${i}]`));
  }
  if (value !== null && typeof value === 'object') {
    // The delimiter of Fn::Join is commonly "" (concatenation), not a property value.
    if (Array.isArray(value['Fn::Join'])) return emptyValues(value['Fn::Join'][1], `${path}.Fn::Join[1]`);
    const entries = Object.entries(value);
    return entries.length === 0 ? [path] : entries.flatMap(([k, v]) => emptyValues(v, `${path}.${k}`));
  }
  return [];
};

const templates = [
  ['dev', synthStack(devProps).template.toJSON()],
  ['production', synthStack(productionProps).template.toJSON()],
] as const;

describe('template hygiene', () => {
  it.each(templates)('%s: no resource property is an empty string, list or object', (_, template) => {
    const empty = Object.entries(template.Resources as Record<string, Json>).flatMap(([id, resource]) =>
      emptyValues(resource.Properties ?? {}, `${id}.Properties`),
    );
    expect(empty).toEqual([]);
  });

  it('finds an empty value where there is one', () => {
    expect(
      emptyValues({ A: { B: '', C: [], D: {}, E: 'x', F: { 'Fn::Join': ['', ['a', '']] } } }, 'R'),
    ).toEqual(['R.A.B', 'R.A.C', 'R.A.D', 'R.A.F.Fn::Join[1][1]']);
  });

  it('writes the archive without KmsKeyIdentifier (EventBridge then uses its own key)', () => {
    const [, template] = templates[0];
    const archives = Object.values(template.Resources as Record<string, Json>).filter(
      (r) => r.Type === 'AWS::Events::Archive',
    );
    expect(archives).toHaveLength(1);
    expect(archives[0].Properties).not.toHaveProperty('KmsKeyIdentifier');
  });
});

describe('schema registry deploys', () => {
  const schemasOf = (template: Json): [string, Json][] =>
    Object.entries(template.Resources as Record<string, Json>).filter(
      ([, r]) => r.Type === 'AWS::EventSchemas::Schema',
    );

  it('writes the same schema resources on every synth, so an unchanged catalogue adds no version', () => {
    const again = new WebhookPipelineStack(testApp(), 'WebhookPipeline-dev', devProps);
    const second = Template.fromStack(again).toJSON();
    expect(schemasOf(second)).toEqual(schemasOf(templates[0][1]));
  });

  it(`creates at most ${SCHEMA_CREATION_LANES} schemas at once: each waits for one created earlier`, () => {
    const schemas = schemasOf(templates[0][1]);
    const ids = new Set(schemas.map(([id]) => id));
    const waiting = schemas.map(([, r]) => [r.DependsOn ?? []].flat().filter((d: string) => ids.has(d)));
    expect(waiting.filter((deps) => deps.length === 0)).toHaveLength(SCHEMA_CREATION_LANES);
    expect(waiting.every((deps) => deps.length <= 1)).toBe(true);
  });
});
