import type { FastifyInstance } from 'fastify';
import { XLSX_MEDIA_TYPE } from '#excel';

/**
 * Uploads are the raw .xlsx bytes (Content-Type: application/vnd.openxmlformats-officedocument.
 * spreadsheetml.sheet), not multipart: one file per request is all an import takes, and it needs
 * no multipart plugin. Their limit is their own, above the JSON body limit.
 */
export const SPREADSHEET_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

export function registerSpreadsheetBodyParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(XLSX_MEDIA_TYPE, { parseAs: 'buffer', bodyLimit: SPREADSHEET_BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));
}
