import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Action, BODIES, PipelineModel, warmUp } from './model/pipeline-model.js';
import { FAULTS, type FaultRates } from './model/sim-world.js';
import { recordModel } from './report.js';

// The promise users buy, as a model-based test of the ingest and router cores together (issue 24).
// Invariant: every delivery answered 2xx `accepted` is published at least once, and a delivery
// answered `duplicate` names a webhookId that is published; no 2xx is answered before the table
// holds the webhookId it names; once every fault has healed, nothing is left in the queue or DLQ.
// fast-check generates the deliveries (the same bodies inside and outside the dedupe window),
// provider retries, router batches, the clock, operators' redrive-dlq and requeue, the fault rates,
// and through its scheduler the order in which every table, queue and bus call is answered.
// NO_LOSS_RUNS sets the number of runs (npm test: 5000; npm run test:reliability: 100000).
// A failure prints fast-check's seed and path (replay with { seed, path }) and the run's trace.

const RUNS = Number(process.env.NO_LOSS_RUNS ?? 5000);
/** NO_LOSS_SEED and NO_LOSS_PATH replay a reported failure. */
const REPLAY =
  process.env.NO_LOSS_SEED === undefined
    ? {}
    : {
        seed: Number(process.env.NO_LOSS_SEED),
        ...(process.env.NO_LOSS_PATH ? { path: process.env.NO_LOSS_PATH } : {}),
        endOnFailure: true,
      };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('deliver' as const), body: fc.nat(BODIES.length - 1) }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'retry' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('batch' as const), size: fc.integer({ min: 1, max: 10 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      // A moment; past ingest's budget; past the router's wait;
      // Past a visibility timeout (and a claim lease); inside, at and past the window; hours.
      ms: fc.constantFrom(50, 2_000, 7_000, 11_000, 181_000, 590_000, 600_000, 610_000, 7_200_000),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'redrive' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'requeue' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('answer' as const), calls: fc.integer({ min: 1, max: 6 }) }),
  },
);

const rates: fc.Arbitrary<FaultRates> = fc.record(
  Object.fromEntries(FAULTS.map((f) => [f, fc.constantFrom(0, 0, 0.05, 0.2, 0.5)])) as {
    [K in keyof FaultRates]: fc.Arbitrary<number>;
  },
);

describe('nothing lost: a model of ingest and the router under faults and every interleaving', () => {
  it(`publishes every delivery answered accepted or duplicate (${RUNS} runs)`, async () => {
    await warmUp();
    const totals = { runs: 0, actions: 0, deliveries: 0, messages: 0, events: 0, duplicateEvents: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(action, { minLength: 4, maxLength: 40 }),
        rates,
        fc.integer(),
        async (scheduler, actions, faultRates, seed) => {
          const model = new PipelineModel(scheduler, faultRates, seed);
          for (const a of actions) await model.play(a);
          const result = await model.drain();
          totals.runs += 1;
          totals.actions += actions.length;
          totals.deliveries += result.deliveries;
          totals.messages += result.messages;
          for (const count of result.published.values()) {
            totals.events += count;
            totals.duplicateEvents += count - 1;
          }
          if (result.problems.length > 0)
            throw new Error(
              `${result.problems.join('\n')}\n--- trace ---\n${result.trace.slice(-80).join('\n')}`,
            );
        },
      ),
      { numRuns: RUNS, verbose: 1, ...REPLAY },
    );
    recordModel(totals);
    expect(totals.runs).toBe(RUNS);
    expect(totals.deliveries).toBeGreaterThan(RUNS);
  }, 600_000);
});
