import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import type { AppConfig } from '#config';
import { PlatformModule, type Clock } from '#platform';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule, directoryProjections } from './auth/auth.module.js';
import { CampaignsModule } from './campaigns/campaigns.module.js';
import { ExcelModule } from './excel/excel.module.js';
import { InboxModule } from './inbox/inbox.module.js';
import { HealthController } from './health/health.controller.js';
import { ProblemFilter } from './http/problem.filter.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { ReadModelsModule } from './read-models/read-models.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { RuleProfilesModule } from './rule-profiles/rule-profiles.module.js';
import { WebModule } from './web/web.module.js';

@Module({})
export class AppModule {
  static async forRoot(config: AppConfig, logger: Logger, options: { clock?: Clock } = {}): Promise<DynamicModule> {
    return {
      module: AppModule,
      imports: [
        await PlatformModule.forRoot(config, logger, options),
        MetricsModule,
        AuthModule,
        ReadModelsModule.forRoot({ extraProjections: directoryProjections }),
        ReportsModule,
        AuditModule,
        CampaignsModule,
        ExcelModule,
        InboxModule,
        NotificationsModule,
        RuleProfilesModule,
        WebModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
