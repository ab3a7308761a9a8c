/**
 * `npm run iam:record`: runs the end-to-end and reliability tests through the local pipeline with
 * call recording on, and writes reports/iam-calls.json, which the IAM simulation in `npm test`
 * evaluates against the synthesized role policies. Run it again after changing what a function
 * calls: `npm test` fails while the recording is older than the function sources.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RECORD_CALLS_VARIABLE, type RecordedCall, recordedSourcesDigest } from '../local/call-recorder.js';
import { formatWithBiome } from './lib/format-with-biome.js';

const ROOT = resolve(import.meta.dirname, '..');
const TESTS = ['test/e2e', 'test/reliability'];
const OUT = join(ROOT, 'reports', 'iam-calls.json');

const { values } = parseArgs({
  options: { 'allow-failures': { type: 'boolean' }, from: { type: 'string' }, help: { type: 'boolean' } },
});
if (values.help) {
  console.log(`npm run iam:record [-- --allow-failures] [-- --from <folder>]

Runs ${TESTS.join(' and ')} with call recording and writes reports/iam-calls.json.
  --allow-failures  write the recording even when some tests fail (their calls are still real calls)
  --from <folder>   aggregate the recordings already in <folder> instead of running the tests`);
  process.exit(0);
}
const folder = values.from ?? mkdtempSync(join(tmpdir(), 'wp-iam-calls-'));
if (!values.from) {
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...TESTS],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, [RECORD_CALLS_VARIABLE]: folder },
    },
  );
  if (run.status !== 0 && !values['allow-failures']) {
    console.error(
      `iam:record: the tests failed (exit ${run.status}); ${OUT} is unchanged. The calls are in ${folder}: ` +
        `--from ${folder} writes them.`,
    );
    process.exit(1);
  }
  if (run.status !== 0)
    console.warn(`iam:record: some tests failed (exit ${run.status}); writing the calls they made`);
}

const counts = new Map<string, Map<string, { call: RecordedCall; calls: number }>>();
for (const file of readdirSync(folder)) {
  for (const line of readFileSync(join(folder, file), 'utf8').split('\n')) {
    if (!line) continue;
    const call = JSON.parse(line) as RecordedCall;
    const perFunction = counts.get(call.function) ?? new Map();
    counts.set(call.function, perFunction);
    const key = JSON.stringify([call.action, call.resource]);
    const entry = perFunction.get(key) ?? { call, calls: 0 };
    entry.calls += 1;
    perFunction.set(key, entry);
  }
}
if (!values.from) if (!values.from) rmSync(folder, { recursive: true, force: true });

const functions = Object.fromEntries(
  [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, entries]) => {
      const actions = [...entries.values()]
        .map(({ call, calls }) => ({ action: call.action, resource: call.resource, calls }))
        .sort(
          (a, b) =>
            a.action.localeCompare(b.action) ||
            JSON.stringify(a.resource).localeCompare(JSON.stringify(b.resource)),
        );
      return [name, { calls: actions.reduce((sum, a) => sum + a.calls, 0), actions }];
    }),
);
const recording = {
  recordedBy: 'npm run iam:record',
  tests: TESTS,
  sources: recordedSourcesDigest(ROOT),
  functions,
};
writeFileSync(OUT, `${JSON.stringify(recording, null, 2)}\n`);
formatWithBiome(ROOT, [OUT]);
for (const [name, f] of Object.entries(functions)) {
  console.log(`${name}: ${f.calls} calls, ${f.actions.map((a) => a.action).join(', ')}`);
}
console.log(`wrote ${OUT}`);
