/**
 * The errors of the cost model (`lib/cost/`): what it cannot price, and inputs it cannot read. Each
 * message names the resource, price or field that is wrong.
 */

/** One resource the model has no price for. */
export interface UnpricedResource {
  readonly logicalId: string;
  readonly type: string;
  /** Why: an unknown type, or a property of a known type the model does not price. */
  readonly reason: string;
}

/**
 * The template holds resources the model does not price. Listing them all at once, so that nothing
 * new reaches a bill unpriced: price them in `lib/cost/resource-prices.ts` (or list the type there
 * as free, with the reason).
 */
export class UnpricedResourceError extends Error {
  public constructor(public readonly resources: readonly UnpricedResource[]) {
    super(
      `the cost model has no price for ${resources.length === 1 ? 'a resource' : `${resources.length} resources`} of the template:\n${resources
        .map((r) => `  - ${r.logicalId} (${r.type}): ${r.reason}`)
        .join(
          '\n',
        )}\nPrice it in lib/cost/resource-prices.ts, or list its type there as free with the reason.`,
    );
    this.name = 'UnpricedResourceError';
  }
}

/** A price table, usage profile or volume the model cannot use; the message says which field. */
export class CostInputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'CostInputError';
  }
}
