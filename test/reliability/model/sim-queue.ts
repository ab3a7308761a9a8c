import type { WebhookQueue } from '../../../lambdas/shared/webhook-record.js';
import type { SimWorld } from './sim-world.js';

/** One message of the model's queue. */
export interface SimMessage {
  readonly id: string;
  readonly body: string;
  receiveCount: number;
  state: 'visible' | 'in-flight' | 'dlq' | 'deleted';
  /** A message that failed is received again only once its visibility timeout has passed. */
  visibleAt: number;
}

/** The queue's visibility timeout, as the stack sets it: six times the router's 30 s timeout. */
export const VISIBILITY_TIMEOUT_MS = 180_000;

/**
 * The SQS queue and its DLQ as the model sees them: at-least-once delivery (a message can be handed
 * to two receivers), batches in any order, a failed message visible again until its last receive,
 * then moved to the DLQ, and deletes that can be lost. Ingest's SendMessage can fail, be retried by
 * the SDK after it succeeded (two messages), or succeed with its answer lost.
 */
export class SimQueue implements WebhookQueue {
  public readonly messages: SimMessage[] = [];
  private next = 0;

  public constructor(
    private readonly world: SimWorld,
    private readonly maxReceiveCount: number,
  ) {}

  /** Puts a message on the queue (an operator's SendMessage: no faults). */
  public enqueue(body: string): SimMessage {
    this.next += 1;
    const message: SimMessage = {
      id: `msg-${this.next}`,
      body,
      receiveCount: 0,
      state: 'visible',
      visibleAt: this.world.clock,
    };
    this.messages.push(message);
    return message;
  }

  public async send(body: string, signal?: AbortSignal): Promise<void> {
    await this.world.step('SendMessage');
    signal?.throwIfAborted();
    if (this.world.chance('sendFails')) throw new Error('SendMessage: queue unavailable');
    this.enqueue(body);
    if (this.world.chance('sendDuplicated')) this.enqueue(body);
    if (this.world.chance('sendAnswerLost')) throw new Error('SendMessage: answer lost');
    await this.world.step('SendMessage answered');
  }

  /** Up to `max` visible messages, in an order the seed picks; each receive counts. */
  public receive(max: number): SimMessage[] {
    const visible = this.messages.filter((m) => m.state === 'visible' && m.visibleAt <= this.world.clock);
    const batch: SimMessage[] = [];
    while (batch.length < max && visible.length > 0) {
      const [message] = visible.splice(this.world.pick(visible.length), 1) as [SimMessage];
      message.receiveCount += 1;
      // At-least-once: now and then another receiver may be handed the same message.
      if (!this.world.chance('receivedTwice')) message.state = 'in-flight';
      batch.push(message);
    }
    return batch;
  }

  /** What the event source mapping does with a record after the invocation. */
  public complete(message: SimMessage, ok: boolean): void {
    if (message.state === 'deleted' || message.state === 'dlq') return;
    message.visibleAt = this.world.clock + VISIBILITY_TIMEOUT_MS;
    if (ok) message.state = this.world.chance('deleteLost') ? 'visible' : 'deleted';
    else message.state = message.receiveCount >= this.maxReceiveCount ? 'dlq' : 'visible';
  }

  /** Messages a receive would hand out now. */
  public receivable(): number {
    return this.messages.filter((m) => m.state === 'visible' && m.visibleAt <= this.world.clock).length;
  }

  public count(state: SimMessage['state']): number {
    return this.messages.filter((m) => m.state === state).length;
  }
}
