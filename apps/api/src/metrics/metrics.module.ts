import { Global, Module } from '@nestjs/common';
import { Metrics, MetricsController } from './metrics.js';

@Global()
@Module({ providers: [Metrics], controllers: [MetricsController], exports: [Metrics] })
export class MetricsModule {}
