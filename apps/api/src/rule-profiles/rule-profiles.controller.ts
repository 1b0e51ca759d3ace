import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decideRuleProfile, parseDefineRuleProfile, ruleProfileEventSchemas, ruleProfileStreamId } from '#domain';
import { EventStore, WrongExpectedRevisionError } from '#eventstore';
import { Clock } from '#platform';
import { ScoringRuntime } from '../../../worker/src/scoring/scoring-runtime.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { requireAdmin } from '../auth/require-role.js';
import { HttpProblem } from '../http/http-problem.js';
import { actorOf, commandEvents } from '../http/command-append.js';
import { IdempotencyStore, parseIdempotencyKey, type StoredResponse } from '../http/idempotency.js';
import { etagOf, parseIfMatch } from '../http/preconditions.js';
import { representProfile, RuleProfileRepository, type LoadedRuleProfile } from './rule-profile-repository.js';

const PROFILE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

function profileNotFound(profileId: string): HttpProblem {
  return HttpProblem.of(404, 'PROFILE_NOT_FOUND', 'profileId', `未知的评分规则：${profileId}`, `unknown rule profile: ${profileId}`);
}

function pathProfileId(value: string): string {
  if (!PROFILE_ID.test(value)) throw profileNotFound(value.slice(0, 64));
  return value;
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw HttpProblem.of(400, 'BODY_INVALID', '', '请求体须为JSON对象', 'The request body must be a JSON object');
  return body as Record<string, unknown>;
}

function versionConflict(current: number | null): HttpProblem {
  return HttpProblem.of(412, 'PROFILE_VERSION_CONFLICT', 'If-Match', '评分规则已被他人修改，请刷新后重试', 'The rule profile was changed by someone else; reload and try again', {
    headers: current === null ? {} : { etag: etagOf(current) },
    details: { currentVersion: current },
  });
}

/**
 * Rule profiles as admin-managed, versioned data. Everyone reads them; an administrator defines
 * the next version of one (If-Match: its current version, the ETag), which re-scores every report
 * naming it in the background, with progress at GET /rule-profiles/{id}/rescore.
 */
@ApiTags('rule-profiles')
@Controller('rule-profiles')
export class RuleProfilesController {
  constructor(
    private readonly profiles: RuleProfileRepository,
    private readonly scoring: ScoringRuntime,
    private readonly eventStore: EventStore,
    private readonly idempotency: IdempotencyStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every rule profile in force, with its version' })
  async list() {
    const known = await this.scoring.progress();
    const loaded = await Promise.all(known.map((p) => this.profiles.load(p.profileId)));
    return { items: loaded.filter((l) => l.current !== undefined).map(representProfile) };
  }

  @Get(':profileId')
  @ApiOperation({ summary: 'A rule profile in force; ETag: its version' })
  async get(@Param('profileId') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const loaded = await this.profiles.load(pathProfileId(id));
    if (!loaded.current) throw profileNotFound(id);
    void reply.header('etag', etagOf(loaded.current.version));
    return representProfile(loaded);
  }

  @Put(':profileId')
  @ApiOperation({ summary: 'Define the next version of a rule profile (administrators); re-scores the reports naming it' })
  async define(@Param('profileId') id: string, @Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal) {
    requireAdmin(principal);
    const profileId = pathProfileId(id);
    const actor = actorOf(principal);
    // What GET answered may come back edited: its version and provenance are the server's to set.
    const { version: _version, builtIn: _builtIn, definedAt: _definedAt, definedBy: _definedBy, ...profile } = objectBody(body);
    const command = parseDefineRuleProfile({ type: 'DefineRuleProfile', data: { profileId, profile }, metadata: { at: this.clock.now().toISOString(), actor } });
    const ifMatch = request.headers['if-match'];
    const key = parseIdempotencyKey(request.headers['idempotency-key']);
    const context = { correlationId: String(request.id), causationId: String(request.id), idempotencyKey: key };
    const execute = async (): Promise<StoredResponse> => {
      const loaded = await this.profiles.load(profileId);
      this.checkPrecondition(loaded, ifMatch);
      const events = decideRuleProfile(command, loaded.state, loaded.builtIn);
      let after: LoadedRuleProfile = loaded;
      if (events.length > 0) {
        try {
          const newEvents = commandEvents(events, { actor, context, recordedAt: () => command.metadata.at }, () => ruleProfileEventSchemas.RuleProfileDefined.version);
          await this.eventStore.append(ruleProfileStreamId(profileId), newEvents, loaded.revision ?? 'no_stream');
        } catch (error) {
          if (error instanceof WrongExpectedRevisionError) throw versionConflict((await this.profiles.load(profileId)).current?.version ?? null);
          throw error;
        }
        after = await this.profiles.load(profileId);
      }
      return { status: 200, headers: { etag: etagOf(after.current!.version) }, body: representProfile(after) };
    };
    return this.idempotency.respond(request, reply, principal.userId, key, execute);
  }

  /** A profile in force needs If-Match with its version; a new id takes none. */
  private checkPrecondition(loaded: LoadedRuleProfile, header: string | string[] | undefined): void {
    const current = loaded.current?.version ?? null;
    if (current === null) {
      if (header !== undefined) throw versionConflict(null);
      return;
    }
    if (parseIfMatch(header) !== current) throw versionConflict(current);
  }

  @Get(':profileId/rescore')
  @ApiOperation({ summary: 'How far the re-score after the latest change of a profile has come (done / total)' })
  async rescore(@Param('profileId') id: string) {
    const loaded = await this.profiles.load(pathProfileId(id));
    if (!loaded.current) throw profileNotFound(id);
    const [tracked] = await this.scoring.progress(loaded.current.id);
    const trackedVersion = tracked?.version ?? null;
    // Until the tracker has seen the latest version, what it counts is the previous one's re-score.
    const caughtUp = trackedVersion === loaded.current.version;
    const total = tracked?.total ?? 0;
    const done = caughtUp ? (tracked?.done ?? 0) : 0;
    return {
      profileId: loaded.current.id,
      version: loaded.current.version,
      trackedVersion,
      definedAt: loaded.state.status === 'defined' ? loaded.state.definedAt : null,
      total,
      done,
      remaining: total - done,
      complete: caughtUp && done === total,
      pending: tracked?.pending ?? 0,
    };
  }

  @Post('reconcile')
  @HttpCode(200)
  @ApiOperation({ summary: 'Queue again every score computation the event store says is owed (administrators)' })
  async reconcile(@CurrentPrincipal() principal: Principal) {
    requireAdmin(principal);
    return this.scoring.reconcile();
  }
}
