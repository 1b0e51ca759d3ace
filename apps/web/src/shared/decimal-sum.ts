/**
 * Adds decimal strings exactly ("9.33" + "0.1" = "9.43") for table footers, without floating
 * point and without shipping a decimal library to the browser. Unreadable values are skipped.
 */
export function sumDecimals(values: ReadonlyArray<string | null | undefined>, places = 2): string {
  const scale = 6;
  let total = 0n;
  for (const value of values) {
    const match = /^\s*(-?)(\d*)(?:\.(\d*))?\s*$/.exec(value ?? '');
    if (!match || (match[2] === '' && (match[3] ?? '') === '')) continue;
    const fraction = (match[3] ?? '').slice(0, scale).padEnd(scale, '0');
    const magnitude = BigInt(match[2] || '0') * 10n ** BigInt(scale) + BigInt(fraction || '0');
    total += match[1] === '-' ? -magnitude : magnitude;
  }
  const negative = total < 0n;
  const abs = negative ? -total : total;
  const unit = 10n ** BigInt(scale - places);
  const rounded = (abs + unit / 2n) / unit; // half-up, as the scoring engine rounds
  const digits = rounded.toString().padStart(places + 1, '0');
  const text = places > 0 ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits;
  return negative && rounded !== 0n ? `-${text}` : text;
}
