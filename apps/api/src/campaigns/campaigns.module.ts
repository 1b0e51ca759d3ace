import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { IdempotencyStore } from '../http/idempotency.js';
import { CampaignAccess } from './campaign-access.js';
import { CampaignRepository } from './campaign-repository.js';
import { CampaignsController } from './campaigns.controller.js';
import { ExecuteCampaignCommandHandler } from './execute-campaign-command.js';

/**
 * Campaigns (评价任务): POST/GET /campaigns, GET /campaigns/{id}, POST /campaigns/{id}/extensions,
 * GET /campaigns/{id}/progress. Needs the global PlatformModule, AuthModule (directory, access
 * policy) and MetricsModule; the `campaigns` projection runs with the other read models.
 */
@Module({
  imports: [CqrsModule.forRoot()],
  controllers: [CampaignsController],
  providers: [CampaignRepository, CampaignAccess, ExecuteCampaignCommandHandler, IdempotencyStore],
})
export class CampaignsModule {}
