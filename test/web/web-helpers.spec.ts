import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { sumDecimals } from '../../apps/web/src/shared/decimal-sum.js';
import { sha256Fallback } from '../../apps/web/src/shared/sha256.js';

describe('workbench helpers that run in the browser', () => {
  it('adds decimal strings exactly, rounding half-up to two places as the scoring engine does', () => {
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.30');
    expect(sumDecimals(['1.8', '1.8', '1.8', '1.8', '1.8'])).toBe('9.00');
    expect(sumDecimals(['4.745', '0'])).toBe('4.75');
    expect(sumDecimals(['-1.005'])).toBe('-1.01');
    expect(sumDecimals(['40', '30', '20'])).toBe('90.00');
    expect(sumDecimals([null, undefined, '', '大于50', '5.'])).toBe('5.00');
    expect(sumDecimals(Array.from({ length: 50 }, () => '1.8'))).toBe('90.00');
  });

  it('computes SHA-256 without crypto.subtle (plain-http intranets) exactly as node does', () => {
    const sizes = [0, 1, 55, 56, 63, 64, 65, 1000, 100_000];
    for (const size of sizes) {
      const bytes = randomBytes(size);
      const ours = Buffer.from(sha256Fallback(new Uint8Array(bytes))).toString('hex');
      expect(ours).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(Buffer.from(sha256Fallback(new TextEncoder().encode('abc'))).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
