import { describe, expect, it } from '@jest/globals';
import { contentToDocument } from '#domain';
import { exportReportWorkbook, loadWorkbook, readFormSheets } from './index.js';
import { asStored, importInto, seedFixtures } from './testing/round-trip.js';

describe('round trip of the seed reports: export, then import into a new draft', () => {
  for (const { name, document } of seedFixtures()) {
    it(`reproduces ${name}`, async () => {
      const bytes = await exportReportWorkbook({ document, status: 'draft', revision: 3, reviewerTotal: null });
      const loaded = await loadWorkbook(bytes);
      if (!loaded.ok) throw new Error(loaded.problem.message.en);
      const [reading, ...others] = readFormSheets(loaded.workbook);
      expect(others).toEqual([]);
      expect(reading!.problems).toEqual([]);
      const state = importInto(reading!);
      if (state.status === 'none') throw new Error('no report');
      const { id: _id, ...imported } = contentToDocument(state.content);
      expect(imported).toEqual(asStored(document));
    });
  }
});

describe('an exported sheet carries more than the form needs, and the import ignores it', () => {
  it('reads past the computed scores, the grade, the reviewer total, evidence and signature lines', async () => {
    const { document } = seedFixtures().find((f) => f.name.includes('department'))!;
    const withEvidence = {
      ...document,
      evidence: [{ id: 'e1', fileName: '决算报表.pdf', mediaType: 'application/pdf', sizeBytes: 1024, sha256: 'a'.repeat(64), description: '部门决算', indicatorId: null, attachedAt: '2025-03-01T08:00:00.000Z', attachedBy: 'filler-1' }],
    };
    const loaded = await loadWorkbook(await exportReportWorkbook({ document: withEvidence, status: 'approved', revision: 9, reviewerTotal: '90.13' }));
    if (!loaded.ok) throw new Error(loaded.problem.message.en);
    const [reading] = readFormSheets(loaded.workbook);
    expect(reading!.problems).toEqual([]);
    const { evidence: _evidence, ...withoutEvidence } = asStored(withEvidence);
    const { id: _id, evidence, ...imported } = reading!.document!;
    expect(evidence).toEqual([]);
    expect(asStored({ ...imported, evidence: [] })).toEqual({ ...withoutEvidence, evidence: [] });
  });
});
