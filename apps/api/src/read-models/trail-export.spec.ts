import { describe, expect, it } from '@jest/globals';
import { DomainError } from '#domain';
import { trailRange } from './organisation-trail.controller.js';
import { csvCell, csvLine, shanghaiTime } from './trail-export.js';

describe('trail export', () => {
  it('quotes cells as RFC 4180 asks, and only when needed', () => {
    expect(csvCell('公费医疗')).toBe('公费医疗');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('说 "好"')).toBe('"说 ""好"""');
    expect(csvCell('第一行\n第二行')).toBe('"第一行\n第二行"');
    expect(csvLine(['a', null, 'b,c'])).toBe('a,,"b,c"\r\n');
  });

  it('keeps cells a spreadsheet would run as formulas as text', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+86 138')).toBe("'+86 138");
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  });

  it('shows instants in Beijing time', () => {
    expect(shanghaiTime('2025-03-01T16:30:05.123Z')).toBe('2025-03-02 00:30:05');
  });

  it('reads days as Beijing days, and instants as given', () => {
    expect(trailRange('2025-06-01', '2025-06-30')).toEqual({ from: '2025-05-31T16:00:00.000Z', to: '2025-06-30T16:00:00.000Z' });
    expect(trailRange('2025-06-01T10:00:00+08:00', undefined)).toEqual({ from: '2025-06-01T02:00:00.000Z' });
    expect(trailRange(undefined, undefined)).toEqual({});
    expect(() => trailRange('2025-06-02', '2025-06-01')).toThrow(DomainError);
  });
});
