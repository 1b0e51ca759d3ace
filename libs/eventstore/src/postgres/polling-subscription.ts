import { setTimeout as sleep } from 'node:timers/promises';
import type { ReadAllOptions, RecordedEvent, SubscribeOptions, Subscription } from '../event-store.js';

/** What a polling subscription reads through: the store's gap-respecting readAll. */
export interface AllReader {
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
}

export class PollingSubscription implements Subscription {
  private closed = false;
  private checkpoint: bigint;
  private readonly loop: Promise<void>;
  private markCaughtUp!: () => void;
  readonly caughtUp: Promise<void>;

  constructor(
    private readonly store: AllReader,
    private readonly options: SubscribeOptions,
    private readonly pollIntervalMs: number,
  ) {
    this.checkpoint = options.after;
    this.caughtUp = new Promise((resolve) => (this.markCaughtUp = resolve));
    this.loop = this.run();
  }

  get position(): bigint {
    return this.checkpoint;
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    try {
      while (!this.closed) {
        const events = await this.store.readAll({ after: this.checkpoint, maxCount: batchSize });
        for (const event of events) {
          if (this.closed) return;
          await this.options.onEvent(event);
          this.checkpoint = event.position;
        }
        if (events.length < batchSize) {
          this.markCaughtUp();
          await sleep(this.pollIntervalMs);
        }
      }
    } catch (error) {
      this.closed = true;
      this.markCaughtUp();
      this.options.onError?.(error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.loop;
  }
}
