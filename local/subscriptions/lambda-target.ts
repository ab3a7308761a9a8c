import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { localLambdaContext } from '../lambda-context.js';

/** A consumer's Lambda handler, run in this process: `lambda:<module path>#<export>` in a rules file. */
export interface LambdaTarget {
  readonly kind: 'lambda';
  /** Absolute path of the handler module. */
  readonly modulePath: string;
  /** The exported function (`handler` when the target names none). */
  readonly exportName: string;
  /** tsx's `tsx/esm/api`, resolved from the rules file's folder, for a TypeScript module; else none. */
  readonly tsxApi: string | undefined;
}

/** Extensions that only a TypeScript loader can import. */
const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** Why a lambda target cannot be used, in a sentence; `undefined` when it can. */
export const lambdaTargetProblem = (target: LambdaTarget, rulesDir: string): string | undefined => {
  if (!existsSync(target.modulePath)) return `the handler module ${target.modulePath} does not exist`;
  if (TYPESCRIPT.has(extname(target.modulePath)) && !target.tsxApi) {
    return `${target.modulePath} is TypeScript, and no tsx is installed for ${rulesDir}: install it there (npm install --save-dev tsx) to run the handler as it is, or point the target at the compiled JavaScript (lambda:./dist/handler.js#${target.exportName})`;
  }
  return undefined;
};

/**
 * The consumer's own tsx (the ESM entry of `tsx/esm/api`), found from the rules file's folder as Node
 * finds packages; `undefined` when the consumer's project has none. Theirs, not ours: it compiles
 * their code with their TypeScript settings.
 */
export const consumerTsx = (rulesDir: string): string | undefined => {
  let manifest: string;
  try {
    manifest = createRequire(join(rulesDir, 'rules.json')).resolve('tsx/package.json');
  } catch {
    return undefined;
  }
  // The `import` condition of its `./esm/api` export: require.resolve would give the CommonJS one.
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports?: Record<string, { import?: string | { default?: string } }>;
  };
  const entry = exports?.['./esm/api']?.import;
  const path = typeof entry === 'string' ? entry : entry?.default;
  return path ? join(dirname(manifest), path) : undefined;
};

/** The tsconfig.json nearest to the handler module, which tsx compiles it with; `false` for none. */
const nearestTsconfig = (from: string): string | false => {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return false;
  }
};

type Handler = (event: unknown, context: unknown) => unknown;

/** A loaded module, kept until its file changes (an edit is picked up by the next attempt). */
const loaded = new Map<string, { mtimeMs: number; module: Record<string, unknown> }>();

const importModule = async (target: LambdaTarget): Promise<Record<string, unknown>> => {
  const { mtimeMs } = statSync(target.modulePath);
  const cached = loaded.get(target.modulePath);
  if (cached?.mtimeMs === mtimeMs) return cached.module;
  const url = pathToFileURL(target.modulePath).href;
  let module: Record<string, unknown>;
  if (target.tsxApi) {
    // Each tsImport loads the module graph afresh, so an edited handler is the one that runs.
    const { tsImport } = (await import(pathToFileURL(target.tsxApi).href)) as {
      tsImport: (
        specifier: string,
        options: { parentURL: string; tsconfig: string | false },
      ) => Promise<unknown>;
    };
    module = (await tsImport(url, {
      parentURL: url,
      tsconfig: nearestTsconfig(target.modulePath),
    })) as Record<string, unknown>;
  } else {
    // The query makes Node load the edited file instead of the module it has cached.
    module = (await import(`${url}?mtime=${mtimeMs}`)) as Record<string, unknown>;
  }
  loaded.set(target.modulePath, { mtimeMs, module });
  return module;
};

/** What one invocation gave: as a delivery attempt sees it. */
export type InvocationResult = { ok: true } | { ok: false; retry: boolean; error: string };

const describeError = (error: unknown): string => {
  const e = error as { name?: unknown; message?: unknown };
  const text = typeof e?.message === 'string' ? `${String(e.name ?? 'Error')}: ${e.message}` : String(error);
  return text.replace(/\s+/g, ' ').slice(0, 300);
};

/**
 * Invokes the handler with the event a rule target receives (the event line, parsed) and a local
 * Lambda context, as EventBridge invokes a function. A handler that throws, rejects or does not
 * settle within `timeoutMs` failed this attempt and is retried; an export that is not a function
 * cannot be fixed by retrying (as EventBridge does not retry a missing target).
 */
export const invokeLambdaTarget = async (
  target: LambdaTarget,
  rule: string,
  line: string,
  timeoutMs: number,
): Promise<InvocationResult> => {
  let module: Record<string, unknown>;
  try {
    module = await importModule(target);
  } catch (error) {
    return { ok: false, retry: true, error: `cannot load ${target.modulePath}: ${describeError(error)}` };
  }
  const fromDefault = (module.default as Record<string, unknown> | undefined)?.[target.exportName];
  const handler = (module[target.exportName] ?? fromDefault) as Handler | undefined;
  if (typeof handler !== 'function') {
    const exported = Object.keys(module).filter((k) => k !== 'default');
    return {
      ok: false,
      retry: false,
      error: `${target.modulePath} exports no function "${target.exportName}" (it exports: ${exported.join(', ') || 'nothing'})`,
    };
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(() => handler(JSON.parse(line), localLambdaContext(rule))),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, retry: true, error: describeError(error) };
  } finally {
    clearTimeout(timer);
  }
};
