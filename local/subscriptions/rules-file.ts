import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import * as z from 'zod';
import { InvalidEventPatternError } from '../../lambdas/shared/errors.js';
import { type EventPattern, parseEventPattern } from '../event-pattern/event-pattern.js';
import { parseJsonExact } from '../event-pattern/event-pattern-values.js';
import { consumerTsx, type LambdaTarget, lambdaTargetProblem } from './lambda-target.js';

/** One rule of a rules file, as written. */
export const LocalRuleSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[.\-_A-Za-z0-9]{1,64}$/, 'a rule name is 1 to 64 letters, digits, dots, dashes or underscores'),
  eventPattern: z.unknown(),
  target: z
    .string()
    .refine(
      (t) =>
        /^https?:\/\/[^\s]+$/.test(t) ||
        /^file:[^\s]+$/.test(t) ||
        /^lambda:[^\s#]+(#[A-Za-z_$][\w$]*)?$/.test(t),
      {
        message:
          'a target is "http://…", "https://…", "file:relative/path.ndjson" or "lambda:./src/handler.ts#handler"',
      },
    ),
});
export type LocalRuleInput = z.infer<typeof LocalRuleSchema>;

/** Where a rule delivers: an HTTP endpoint, a file that gets one event per line, or a Lambda handler. */
export type RuleTarget =
  | { readonly kind: 'http'; readonly url: string }
  | { readonly kind: 'file'; readonly path: string }
  | LambdaTarget;

/** A checked rule, ready to match and deliver. */
export interface LocalRule {
  readonly name: string;
  readonly pattern: EventPattern;
  /** The pattern as written, for display. */
  readonly eventPattern: unknown;
  /** The target as written. */
  readonly targetText: string;
  readonly target: RuleTarget;
}

/** A rules file that cannot be used; the message names the file, the rule and the reason. */
export class RulesFileError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'RulesFileError';
  }
}

const targetOf = (text: string, baseDir: string): RuleTarget => {
  if (text.startsWith('lambda:')) {
    const [path = '', exportName = 'handler'] = text.slice('lambda:'.length).split('#');
    const modulePath = isAbsolute(path) ? path : resolve(baseDir, path);
    return { kind: 'lambda', modulePath, exportName, tsxApi: consumerTsx(baseDir) };
  }
  if (!text.startsWith('file:')) return { kind: 'http', url: text };
  const path = text.slice('file:'.length);
  return { kind: 'file', path: isAbsolute(path) ? path : resolve(baseDir, path) };
};

/**
 * Checks the text of a rules file: a JSON array of `{ name, eventPattern, target }`, names unique,
 * every pattern valid as `PutRule` would have it. File and handler module paths are relative to the
 * file's folder; a handler module must exist, and a TypeScript one needs tsx installed there.
 */
export const parseRules = (text: string, file: string): LocalRule[] => {
  let json: unknown;
  try {
    json = parseJsonExact(text);
  } catch (error) {
    throw new RulesFileError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = z.array(LocalRuleSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RulesFileError(
      `${file}: ${issue?.path.length ? `[${issue.path.join('].')}: ` : ''}${issue?.message ?? 'not a JSON array of rules'}`,
    );
  }
  const seen = new Set<string>();
  return parsed.data.map((rule, i) => {
    if (seen.has(rule.name))
      throw new RulesFileError(`${file}: [${i}] rule name "${rule.name}" is used twice`);
    seen.add(rule.name);
    let pattern: EventPattern;
    try {
      pattern = parseEventPattern(rule.eventPattern);
    } catch (error) {
      if (error instanceof InvalidEventPatternError)
        throw new RulesFileError(`${file}: rule "${rule.name}": ${error.message}`);
      throw error;
    }
    const baseDir = dirname(resolve(file));
    const target = targetOf(rule.target, baseDir);
    const problem = target.kind === 'lambda' ? lambdaTargetProblem(target, baseDir) : undefined;
    if (problem) throw new RulesFileError(`${file}: rule "${rule.name}": ${problem}`);
    return { name: rule.name, pattern, eventPattern: rule.eventPattern, targetText: rule.target, target };
  });
};

/** Reads and checks a rules file. */
export const readRulesFile = async (file: string): Promise<LocalRule[]> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new RulesFileError(
      `cannot read the rules file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parseRules(text, file);
};
