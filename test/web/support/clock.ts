import { Clock } from '#platform';

/**
 * The API's clock for a browser run: it runs at real speed from a chosen instant, and the test
 * can move it forward (a reminder's moment arrives without waiting for it). Access tokens are
 * judged by it too, so it only ever moves by minutes.
 */
export class SteerableClock extends Clock {
  private offset: number;

  constructor(start: string) {
    super();
    this.offset = Date.parse(start) - Date.now();
  }

  now(): Date {
    return new Date(Date.now() + this.offset);
  }

  jumpTo(instant: string): void {
    const target = Date.parse(instant) - Date.now();
    if (target < this.offset) throw new Error(`the clock only moves forward (now ${this.now().toISOString()}, asked ${instant})`);
    this.offset = target;
  }
}
