import type { EventPattern, FieldPattern, PatternNode, ValueMatcher } from './event-pattern-types.js';
import { equalsIgnoreCase, isJsonObject, type Leaf, parseJsonExact, toLeaf } from './event-pattern-values.js';

// Matching, as EventBridge's matcher (aws/event-ruler, rulesForJSONEvent) decides; the parsing and
// the reasons for refusing a pattern are in event-pattern.ts.

/** Every leaf value at a node: arrays are flattened, objects are not leaves (exists works on leaves only). */
const leavesOf = (node: unknown, out: Leaf[] = []): Leaf[] => {
  if (Array.isArray(node)) for (const item of node) leavesOf(item, out);
  else {
    const leaf = toLeaf(node);
    if (leaf) out.push(leaf);
  }
  return out;
};

const matchesLeaf = (matcher: ValueMatcher, leaf: Leaf): boolean => {
  switch (matcher.kind) {
    case 'string':
      return (
        leaf.type === 'string' && (leaf.value === matcher.value || (matcher.ip?.matches(leaf.value) ?? false))
      );
    case 'number':
      return (
        leaf.type === 'number' &&
        (leaf.literal === matcher.literal || (leaf.double !== undefined && leaf.double === matcher.double))
      );
    case 'literal':
      return matcher.value === null
        ? leaf.type === 'null'
        : leaf.type === 'boolean' && leaf.value === matcher.value;
    case 'prefix':
    case 'suffix': {
      if (leaf.type !== 'string') return false;
      const [s, p] = matcher.ignoreCase
        ? [leaf.value.toLowerCase(), matcher.value.toLowerCase()]
        : [leaf.value, matcher.value];
      return matcher.kind === 'prefix' ? s.startsWith(p) : s.endsWith(p);
    }
    case 'equals-ignore-case':
      return leaf.type === 'string' && equalsIgnoreCase(leaf.value, matcher.value);
    case 'wildcard':
      return leaf.type === 'string' && matcher.regex.test(leaf.value);
    case 'anything-but':
      return matcher.test(leaf);
    case 'numeric':
      return leaf.type === 'number' && leaf.double !== undefined && matcher.test(leaf.double);
    case 'cidr':
      return leaf.type === 'string' && matcher.block.matches(leaf.value);
    case 'exists':
      return false;
  }
};

const matchesField = (field: FieldPattern, value: unknown): boolean => {
  if (field.kind === 'object') return matchesNode(field.node, value);
  const leaves = leavesOf(value);
  return field.matchers.some((m) =>
    m.kind === 'exists' ? m.present === leaves.length > 0 : leaves.some((leaf) => matchesLeaf(m, leaf)),
  );
};

/**
 * One object level against one event node. Where the event has an array of objects, all the
 * fields of this level must match inside one element, as EventBridge never combines fields from
 * different elements of the same array.
 */
const matchesNode = (node: PatternNode, value: unknown): boolean => {
  if (Array.isArray(value)) {
    const elements = value.flat(Number.POSITIVE_INFINITY);
    if (elements.length > 0) return elements.some((element) => matchesNode(node, element));
    return matchesNode(node, undefined);
  }
  const object = isJsonObject(value) ? value : undefined;
  return (
    node.fields.every(([name, field]) =>
      matchesField(field, object && Object.hasOwn(object, name) ? object[name] : undefined),
    ) && node.anyOf.every((branches) => branches.some((branch) => matchesNode(branch, value)))
  );
};

/**
 * Whether an event matches a pattern, as EventBridge decides for a rule.
 *
 * @param event the event as a rule target receives it: JSON text (numbers kept exactly) or a parsed
 *   value. Text that is not JSON is no event and matches nothing.
 */
export const matchesEventPattern = (pattern: EventPattern, event: unknown): boolean => {
  if (typeof event !== 'string') return matchesNode(pattern.root, event);
  let parsed: unknown;
  try {
    parsed = parseJsonExact(event);
  } catch {
    return false;
  }
  return matchesNode(pattern.root, parsed);
};
