import { fileURLToPath } from 'node:url';
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { LOGGER } from '#platform';
import { findWebRoot, WebAssets, type WebAsset } from './web-assets.js';

/** The workbench's own prefix: client routes live below it, so they never shadow an API path. */
export const WEB_BASE = '/app';

function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

function send(request: FastifyRequest, reply: FastifyReply, asset: WebAsset) {
  void reply.type(asset.contentType).header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache').header('vary', 'accept-encoding');
  const gzipped = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')) ? asset.gzipped() : null;
  if (gzipped) return reply.header('content-encoding', 'gzip').send(gzipped);
  return reply.send(asset.body);
}

/**
 * Serves the built web workbench (dist/web) at /app/, and sends browsers that ask for a page
 * anywhere else (GET / or an unknown path, with Accept: text/html) to it. API clients keep
 * getting the API's own 404 problem for unknown paths. Without a build the API runs as before.
 */
@Module({})
export class WebModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    const root = findWebRoot(fileURLToPath(new URL('.', import.meta.url)));
    if (!root) {
      this.logger.warn('web workbench not built (no dist/web/index.html): `npm run build` builds it; the API runs without it');
      return;
    }
    const assets = WebAssets.load(root);
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const page = async (request: FastifyRequest<{ Params: { '*'?: string } }>, reply: FastifyReply) => {
      const path = request.params['*'] ?? '';
      const file = path === '' ? undefined : assets.get(path);
      if (file) return send(request, reply, file);
      // A client route (/app/reports/…): the single page decides what to show.
      if (!path.startsWith('assets/') && (acceptsHtml(request) || path === '')) return send(request, reply, assets.index!);
      return reply.callNotFound();
    };
    const toWorkbench = (request: FastifyRequest, reply: FastifyReply) => (acceptsHtml(request) ? reply.redirect(`${WEB_BASE}/`, 302) : reply.callNotFound());
    // An API route on one of these paths (registered by Nest before this hook runs) keeps it.
    const get = (url: string, handler: (request: FastifyRequest<{ Params: { '*'?: string } }>, reply: FastifyReply) => unknown) => {
      if (!fastify.hasRoute({ method: 'GET', url })) fastify.get(url, handler);
    };
    get(WEB_BASE, (_request, reply) => reply.redirect(`${WEB_BASE}/`, 302));
    get(`${WEB_BASE}/*`, page);
    get('/', toWorkbench);
    get('/*', toWorkbench);
  }
}
