import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { reportCommandDataSchemas, type ReportCommandType } from '#domain';

/** Request bodies of the command routes, from the same zod schemas that validate them. */
const commandBodies: Record<string, ReportCommandType> = {
  'post /reports': 'CreateReport',
  'patch /reports/{reportId}/header': 'UpdateHeader',
  'put /reports/{reportId}/budget/{source}': 'SetBudgetRow',
  'patch /reports/{reportId}/budget-assessment': 'UpdateBudgetAssessment',
  'post /reports/{reportId}/indicators': 'AddIndicator',
  'patch /reports/{reportId}/indicators/{indicatorId}': 'UpdateIndicator',
  'put /reports/{reportId}/indicator-order': 'ReorderIndicators',
  'put /reports/{reportId}/evaluation-items/{itemId}': 'SetEvaluationItem',
  'put /reports/{reportId}/narrative/{field}': 'SetNarrative',
  'put /reports/{reportId}/self-total': 'SetSelfTotal',
  'post /reports/{reportId}/evidence': 'AttachEvidence',
  'post /reports/{reportId}/submit': 'SubmitReport',
  'post /reports/{reportId}/withdraw': 'WithdrawReport',
  'post /reports/{reportId}/approve': 'ApproveReport',
  'post /reports/{reportId}/return': 'ReturnReport',
  'put /reports/{reportId}/reviewer-scores': 'SetReviewerScore',
  'post /reports/{reportId}/publish': 'PublishReport',
  'post /reports/{reportId}/reopen': 'ReopenReport',
};

/** Where a route's body is not the whole command payload but one member of it. */
const bodyMember: Partial<Record<ReportCommandType, string>> = {
  UpdateHeader: 'changes',
  SetBudgetRow: 'row',
  UpdateBudgetAssessment: 'changes',
  UpdateIndicator: 'changes',
  SetEvaluationItem: 'item',
};

function bodySchema(type: ReportCommandType): Record<string, unknown> {
  const json = z.toJSONSchema(reportCommandDataSchemas[type], { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
  const member = bodyMember[type];
  return (member && json.properties?.[member]) ? (json.properties[member] as Record<string, unknown>) : json;
}

const problem = {
  description: 'application/problem+json (RFC 9457): code, detail, errors[] with field paths; language by Accept-Language',
  content: { 'application/problem+json': { schema: { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, code: { type: 'string' }, detail: { type: 'string' }, errors: { type: 'array', items: { type: 'object' } } } } } },
};

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Jixiao 绩效 API')
    .setDescription(
      'Budget performance self-evaluation reports: drafting, review, audit. Edits need If-Match (the report ETag); every command accepts Idempotency-Key. Errors are application/problem+json.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, { requestBody?: unknown; responses?: Record<string, unknown>; parameters?: unknown[]; security?: unknown }>)) {
      const type = commandBodies[`${method} ${path}`];
      if (type) operation.requestBody = { required: type !== 'SubmitReport', content: { 'application/json': { schema: bodySchema(type) } } };
      operation.responses = { ...operation.responses, '4XX': problem };
      operation.security ??= [{ bearer: [] }];
    }
  }
  return document;
}

const uiAssets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
};

const uiPage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Jixiao 绩效 API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/docs-json', dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });</script>
</body></html>`;

/**
 * /docs-json is the document; /docs the Swagger UI, whose three files are served straight from
 * swagger-ui-dist (the library's own static-file plugin drags in modules jest cannot load).
 */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json', swaggerUiEnabled: false });
  const assetsDir = dirname(fileURLToPath(import.meta.resolve('swagger-ui-dist/package.json')));
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(uiPage));
  fastify.get<{ Params: { asset: string } }>('/docs/:asset', async (request, reply) => {
    const type = uiAssets[request.params.asset];
    if (!type) return reply.code(404).type('text/plain').send('not found');
    return reply.type(type).header('cache-control', 'public, max-age=86400').send(await readFile(join(assetsDir, request.params.asset)));
  });
}
