import type { FastifyReply } from 'fastify';
import type { ReportDocument } from '#domain';

/** RFC 6266: an ASCII fallback name and the real (Chinese) one in UTF-8. */
export function attachment(reply: FastifyReply, contentType: string, asciiName: string, utf8Name: string): void {
  void reply.header('content-type', contentType);
  void reply.header('content-disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(utf8Name)}`);
  void reply.header('cache-control', 'private, no-store');
  void reply.header('x-content-type-options', 'nosniff');
}

/** 长沙市开福区医疗保障局-2022-部门整体支出绩效自评表 */
export function reportFileStem(document: ReportDocument): string {
  const what = document.kind === 'project' ? (document.header.projectName ?? document.header.projectCode ?? '项目') : '部门整体支出';
  return `${document.header.unit}-${document.header.year}-${what}绩效自评表`.replace(/[\\/:*?"<>|\r\n]/g, '_').slice(0, 150);
}
