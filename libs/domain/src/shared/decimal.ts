import { Decimal } from 'decimal.js';
import { z } from 'zod';

/**
 * The domain's own Decimal constructor. A clone, so that no other code (or library) changing the
 * global Decimal configuration can alter how amounts and scores are computed here.
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = Decimal;

export const ZERO = new Dec(0);
export const HUNDRED = new Dec(100);

export function dec(value: string | Decimal): Decimal {
  return new Dec(value);
}

export function minDec(a: Decimal, b: Decimal): Decimal {
  return a.lessThan(b) ? a : b;
}

export function maxDec(a: Decimal, b: Decimal): Decimal {
  return a.greaterThan(b) ? a : b;
}

export function sumDec(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const value of values) total = total.plus(value);
  return total;
}

/** Two decimals, as amounts (万元) and scores travel on the wire: "4.50", "9.33". */
export function fixed2(value: Decimal): string {
  return value.toFixed(2);
}

/** The shortest exact form, for values the user typed (weights, stated scores): "5", "9.675". */
export function plain(value: Decimal): string {
  return value.toFixed();
}

export function optionalDec(value: string | null | undefined): Decimal | null {
  return value === null || value === undefined ? null : new Dec(value);
}

export function optionalPlain(value: Decimal | null): string | null {
  return value === null ? null : plain(value);
}

export function optionalFixed2(value: Decimal | null): string | null {
  return value === null ? null : fixed2(value);
}

// Decimal strings on the wire. Numbers are refused on purpose: a JSON number has already been
// through binary floating point by the time it reaches us. The error texts are message keys,
// translated by zodIssuesToProblems.
export const MONEY_KEY = 'decimal.money';
export const SCORE_KEY = 'decimal.score';
export const PERCENT_KEY = 'decimal.percent';

/** 万元, not negative, at most two decimals: "5016", "9.33". */
export const moneyString = z
  .string({ error: MONEY_KEY })
  .regex(/^\d{1,13}(\.\d{1,2})?$/, { error: MONEY_KEY });

/** Weights and scores, not negative, up to four decimals (forms print "9.675"). */
export const scoreString = z
  .string({ error: SCORE_KEY })
  .regex(/^\d{1,4}(\.\d{1,4})?$/, { error: SCORE_KEY });

/** A percentage written without the % sign: "96.75" means 96.75 %. */
export const percentString = z
  .string({ error: PERCENT_KEY })
  .regex(/^\d{1,6}(\.\d{1,4})?$/, { error: PERCENT_KEY });
