import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  contentToDocument,
  documentToContent,
  initialState,
  parseReportDocument,
  type CommandMetadata,
  type ReportDocument,
  type ReportState,
} from '#domain';
import { decideImport } from '../decide-import.js';
import { planCommands } from '../plan-commands.js';
import type { SheetReading } from '../read-report-sheet.js';

export const fixturesDir = join(process.cwd(), 'test', 'fixtures');

export function seedFixtures(): Array<{ name: string; document: ReportDocument }> {
  return readdirSync(fixturesDir)
    .filter((name) => /^seed-.*\.json$/.test(name))
    .sort()
    .map((name) => ({ name, document: parseReportDocument(JSON.parse(readFileSync(join(fixturesDir, name), 'utf8'))) }));
}

export const fillerMetadata: CommandMetadata = {
  at: '2026-03-01T08:00:00.000Z',
  actor: { userId: 'filler-1', role: 'unit_filler', organisationId: 'unit-1' },
};

/** What the domain keeps of a document: decimals in its own forms, no source, no id. */
export function asStored(document: ReportDocument): Omit<ReportDocument, 'source' | 'id'> {
  const { source: _source, id: _id, ...stored } = contentToDocument(documentToContent(document));
  return stored;
}

/** Applies what an import of `reading` would append to `start` (a new report when none). */
export function importInto(reading: SheetReading, start: ReportState = initialState(), reportId = 'report-1'): ReportState {
  const current = start.status === 'none' ? null : contentToDocument(start.content, start.id);
  const commands = planCommands(current, reading.document!, reportId);
  return decideImport(commands, start, fillerMetadata, reading).state;
}
