import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { EventStore, type SqlClient } from '#eventstore';
import { LOGGER, READ_STORE } from '#platform';
import { ProjectionRunner, type Projection } from '#projections';
import { readModelProjections } from '#read-models';

export const READ_MODELS_OPTIONS = Symbol('READ_MODELS_OPTIONS');

export interface ReadModelsOptions {
  /** More projections for the same runner (e.g. the directory's). */
  extraProjections?: readonly Projection[];
  /**
   * Whether this process runs the projections: true, false, or (the default) as
   * config.WORKER_IN_PROCESS says. When false, another process (the worker) runs them, and this
   * one only reads the tables and reports the lag.
   */
  run?: boolean;
  /** Events per transaction once caught up; small, so that writes become visible soon. */
  batchSize?: number;
  /** Wait between polls when caught up. */
  idleMs?: number;
}

/** The process's projection runner over every read model, with what went wrong last. */
@Injectable()
export class ReadModelsRunner {
  readonly runner: ProjectionRunner;
  private lastError: { at: string; message: string } | null = null;
  private started = false;

  constructor(
    eventStore: EventStore,
    @Inject(READ_STORE) sql: SqlClient,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(READ_MODELS_OPTIONS) options: ReadModelsOptions,
  ) {
    this.runner = new ProjectionRunner(eventStore, sql, [...readModelProjections, ...(options.extraProjections ?? [])], {
      batchSize: options.batchSize ?? 500,
      idleMs: options.idleMs ?? 25,
      onError: (error) => {
        const message = error instanceof Error ? error.message : String(error);
        this.lastError = { at: new Date().toISOString(), message };
        this.logger.error({ err: error }, 'projection runner failed; restarting from its checkpoints');
      },
    });
  }

  get error(): { at: string; message: string } | null {
    return this.lastError;
  }

  get running(): boolean {
    return this.started;
  }

  /** The tables exist before the first request, whichever process runs the projections. */
  init(): Promise<void> {
    return this.runner.ensureSchema();
  }

  start(): void {
    this.started = true;
    this.runner.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.runner.stop();
  }
}

export interface ProjectionHealthStatus {
  /**
   * `up`: caught up; `catching-up`: behind the store; `standby`: running, but another process
   * holds the projections; `external`: another process runs them (lag still measured here);
   * `failing`: the runner's last attempt failed and it is retrying.
   */
  status: 'up' | 'catching-up' | 'standby' | 'external' | 'failing';
  /** Events the slowest projection is behind the store's head. */
  lag: number;
  head: string;
  lastError: { at: string; message: string } | null;
  projections: Array<{ name: string; version: number; position: string; lag: number; active: boolean }>;
}

/** What the health controller reports about the read models: how far behind, and whether they run. */
@Injectable()
export class ProjectionHealth {
  constructor(private readonly readModels: ReadModelsRunner) {}

  async status(): Promise<ProjectionHealthStatus> {
    const projections = await this.readModels.runner.status();
    const lag = projections.reduce((max, p) => (p.lag > max ? p.lag : max), 0n);
    const head = projections[0]?.head ?? 0n;
    const active = projections.some((p) => p.active);
    const error = this.readModels.error;
    const failing = error !== null && this.readModels.running && !active;
    const status = !this.readModels.running ? 'external' : failing ? 'failing' : !active ? 'standby' : lag > 0n ? 'catching-up' : 'up';
    return {
      status,
      lag: Number(lag),
      head: head.toString(),
      lastError: error,
      projections: projections.map((p) => ({ name: p.name, version: p.version, position: p.position.toString(), lag: Number(p.lag), active: p.active })),
    };
  }
}
