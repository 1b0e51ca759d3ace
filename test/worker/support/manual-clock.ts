import { Clock } from '#platform';

/** A clock the test moves by hand: reminders days ahead become due without waiting for them. */
export class ManualClock extends Clock {
  private current: number;

  constructor(start: string) {
    super();
    this.current = Date.parse(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(instant: string): void {
    this.current = Date.parse(instant);
  }
}

/** The real clock shifted: "now" is a chosen instant that then runs at real speed (benchmarks). */
export class ShiftedClock extends Clock {
  private readonly offset: number;

  constructor(now: string) {
    super();
    this.offset = Date.parse(now) - Date.now();
  }

  now(): Date {
    return new Date(Date.now() + this.offset);
  }
}
