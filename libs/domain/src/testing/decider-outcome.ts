import { expect } from '@jest/globals';
import { DomainError } from '../shared/domain-error.js';

export interface DeciderOutcome<E> {
  then(expected: readonly E[]): void;
  thenNothing(): void;
  /** Asserts the refusal's first problem and returns the error for further checks. */
  thenRefused(code: string, path: string): DomainError;
}

/** The `then…` half of every given/when/then decider spec. */
export function deciderOutcome<E>(decideNow: () => E[]): DeciderOutcome<E> {
  return {
    then: (expected) => expect(decideNow()).toEqual(expected),
    thenNothing: () => expect(decideNow()).toEqual([]),
    thenRefused(code, path) {
      let thrown: unknown;
      try {
        const events = decideNow();
        throw new Error(`expected ${code} at ${path}, but the command was accepted with ${JSON.stringify(events)}`);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(DomainError);
      const refusal = thrown as DomainError;
      expect({ code: refusal.code, path: refusal.path }).toEqual({ code, path });
      return refusal;
    },
  };
}
