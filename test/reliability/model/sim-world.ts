import type { Scheduler } from 'fast-check';

/** The faults the model injects, each with the chance that one call meets it. */
export const FAULTS = [
  /** An eventually consistent read returns the version before a write younger than a second. */
  'stale',
  /** A table call fails before it is applied. */
  'tableFails',
  /** A table write is applied, but its answer is lost (the caller sees an error). */
  'tableAnswerLost',
  /** SendMessage fails; nothing is queued. */
  'sendFails',
  /** SendMessage is retried by the SDK after the first attempt was accepted: two messages. */
  'sendDuplicated',
  /** SendMessage queues the message, but its answer is lost (the caller sees an error). */
  'sendAnswerLost',
  /** One PutEvents entry fails. */
  'publishFails',
  /** A whole PutEvents call fails. */
  'publishCallFails',
  /** The event source mapping's delete of a processed message is lost: it comes back. */
  'deleteLost',
  /** SQS hands a message to two receivers at once (at-least-once delivery). */
  'receivedTwice',
] as const;
export type Fault = (typeof FAULTS)[number];
export type FaultRates = Readonly<Record<Fault, number>>;

/** A small, seeded generator (mulberry32), so a case replays exactly from its seed. */
const mulberry32 = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** An ingest call in flight, and its budget (the handler's timer, on the virtual clock). */
interface InFlight {
  readonly deadline: number;
  readonly controller: AbortController;
}

/**
 * What every part of the model shares: the virtual clock, the scheduler that decides in which order
 * the calls in flight are answered, the seeded chances of the faults, and a trace of the case.
 */
export class SimWorld {
  public clock = Date.UTC(2026, 11, 1, 12, 0, 0);
  public readonly trace: string[] = [];
  private readonly random: () => number;
  private rates: FaultRates;
  private readonly inFlight = new Set<InFlight>();

  public constructor(
    public readonly scheduler: Scheduler,
    rates: FaultRates,
    seed: number,
  ) {
    this.rates = rates;
    this.random = mulberry32(seed);
  }

  /** True when this call meets `fault`. */
  public chance(fault: Fault): boolean {
    return this.rates[fault] > 0 && this.random() < this.rates[fault];
  }

  /** A uniform whole number in [0, n). */
  public pick(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** Every fault off but stale reads (a property of the table, not a failure): the run drains. */
  public heal(): void {
    this.rates = Object.fromEntries(
      Object.keys(this.rates).map((f) => [f, f === 'stale' ? this.rates.stale : 0]),
    ) as unknown as FaultRates;
  }

  /** A point where the scheduler decides what is answered next. */
  public step(label: string): Promise<void> {
    return this.scheduler.schedule(Promise.resolve(), label);
  }

  /** Moves the clock forward; ingest calls past their budget are aborted, as the handler's timer does. */
  public advanceTo(ms: number): void {
    if (ms <= this.clock) return;
    this.clock = ms;
    for (const call of this.inFlight) {
      if (call.deadline <= ms) {
        call.controller.abort(new Error('ingest budget'));
        this.inFlight.delete(call);
      }
    }
  }

  /** A sleep of the router: the clock has moved on by the time it is released. */
  public readonly sleep = async (ms: number): Promise<void> => {
    const until = this.clock + ms;
    await this.step(`sleep ${ms} ms`);
    this.advanceTo(until);
  };

  /** Registers an ingest call with a budget; the signal aborts once the clock passes it. */
  public startBudget(budgetMs: number): { signal: AbortSignal; done: () => void } {
    const call: InFlight = { deadline: this.clock + budgetMs, controller: new AbortController() };
    this.inFlight.add(call);
    return { signal: call.controller.signal, done: () => this.inFlight.delete(call) };
  }

  public log(line: string): void {
    this.trace.push(`${new Date(this.clock).toISOString().slice(11, 23)} ${line}`);
  }
}
