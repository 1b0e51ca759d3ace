import fc from 'fast-check';

/** A decimal string with two places, built from an integer count of hundredths: no float is involved. */
export const hundredths = (min: number, max: number) =>
  fc.integer({ min, max }).map((n) => `${n < 0 ? '-' : ''}${Math.floor(Math.abs(n) / 100)}.${String(Math.abs(n) % 100).padStart(2, '0')}`);
