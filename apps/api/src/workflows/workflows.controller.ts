import { Body, Controller, Get, Inject, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentWorkflow, decideWorkflow, parseDefineWorkflow, workflowEventSchemas, workflowStreamId } from '#domain';
import { EventStore } from '#eventstore';
import { Clock } from '#platform';
import { CurrentPrincipal, OrganisationDirectory, type Principal } from '../auth/principal.js';
import { requireAdmin } from '../auth/require-role.js';
import { actorOf, commandEvents } from '../http/command-append.js';
import { IdempotencyStore, parseIdempotencyKey, type StoredResponse } from '../http/idempotency.js';
import { etagOf, parseIfMatch } from '../http/preconditions.js';
import { WorkflowRepository } from './workflow-repository.js';

/**
 * The review workflow of the caller's finance bureau: everyone in the region reads it; its
 * administrator defines the next version. Reports already submitted keep theirs.
 */
@Controller('workflows')
export class WorkflowsController {
  constructor(
    private readonly workflows: WorkflowRepository,
    private readonly directory: OrganisationDirectory,
    private readonly eventStore: EventStore,
    private readonly idempotency: IdempotencyStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get('current')
  async current(@Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal) {
    const bureau = await this.bureauOf(principal);
    const loaded = await this.workflows.load(bureau);
    if (loaded.revision !== null) void reply.header('etag', etagOf(loaded.revision));
    return currentWorkflow(loaded.state);
  }

  /** Body: the definition ({ stages: [...], resubmission }). If-Match: the current ETag, when a version exists. */
  @Put('current')
  async define(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal) {
    requireAdmin(principal);
    const bureau = await this.bureauOf(principal);
    const command = parseDefineWorkflow({
      type: 'DefineWorkflow',
      data: { definition: body },
      metadata: { at: this.clock.now().toISOString(), actor: actorOf(principal) },
    });
    const expected = request.headers['if-match'] === undefined ? ('no_stream' as const) : parseIfMatch(request.headers['if-match']);
    const key = parseIdempotencyKey(request.headers['idempotency-key']);
    const context = { correlationId: String(request.id), causationId: String(request.id), idempotencyKey: key };
    const execute = async (): Promise<StoredResponse> => {
      const loaded = await this.workflows.load(bureau);
      const events = decideWorkflow(command, loaded.state, bureau);
      let revision = loaded.revision;
      if (events.length > 0) {
        const newEvents = commandEvents(events, { actor: command.metadata.actor, context, recordedAt: () => command.metadata.at }, () => workflowEventSchemas.WorkflowDefined.version);
        const result = await this.eventStore.append(workflowStreamId(bureau), newEvents, expected);
        revision = result.nextExpectedRevision;
      }
      const state = (await this.workflows.load(bureau)).state;
      return { status: 200, headers: revision === null ? {} : { etag: etagOf(revision) }, body: currentWorkflow(state) };
    };
    return this.idempotency.respond(request, reply, principal.userId, key, execute);
  }

  private async bureauOf(principal: Principal): Promise<string> {
    const lineage = await this.directory.lineage(principal.organisationId);
    return lineage.at(-1) ?? principal.organisationId;
  }
}
