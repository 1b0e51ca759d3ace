#!/usr/bin/env node
// `npm run projections:rebuild [-- --batch-size 5000]`: empties every read model (the reports' and
// the directory's) and replays the whole event store into it, with a progress line, then prints
// events/s, row counts and checksums.
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from '#config';
import type { EventStore, SqlClient } from '#eventstore';
import { openStores } from '#platform';
import { formatProgress, rebuildReadModels, REBUILD_BATCH_SIZE, type RebuildProgress, type RebuildResult } from '#read-models';
import { runtimeProjections } from '../../api/src/read-models/projection-set.js';

export { rebuildReadModels, type RebuildOptions, type RebuildProgress, type RebuildResult } from '#read-models';

export interface RebuildCliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal: the progress line then rewrites itself (\r). */
  interactive: boolean;
  env: Record<string, string | undefined>;
  now(): number;
}

export const nodeIo: RebuildCliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  interactive: process.stderr.isTTY === true,
  env: process.env,
  now: () => Date.now(),
};

/** 0 rebuilt; 1 failed (e.g. another process runs the projections); 2 bad arguments or configuration. */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

const USAGE = [
  '用法 / usage: projections-rebuild [--batch-size <events>]',
  '  清空全部读模型并从第一个事件重放 / empties every read model and replays every event into it.',
  '  先停止运行投影的进程（API 或 worker）/ stop the processes that run the projections (API, worker) first.',
  `  --batch-size  每个事务的事件数 / events per transaction (default ${REBUILD_BATCH_SIZE})`,
  '',
].join('\n');

function parseArgs(argv: readonly string[]): { batchSize: number } | string {
  let batchSize = REBUILD_BATCH_SIZE;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return '';
    if (arg === '--batch-size' || arg.startsWith('--batch-size=')) {
      const value = arg.includes('=') ? arg.slice('--batch-size='.length) : argv[++i];
      batchSize = Number(value);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) return `--batch-size 应为 1 到 100000 的整数 / must be an integer from 1 to 100000: ${value}`;
    } else {
      return `未知参数 / unknown argument: ${arg}`;
    }
  }
  return { batchSize };
}

export function formatSummary(result: RebuildResult): string {
  const width = Math.max(...result.tables.map((t) => t.name.length));
  return [
    `rebuilt ${result.events} events in ${result.seconds.toFixed(1)} s (${Math.round(result.eventsPerSec)} events/s)`,
    ...result.tables.map((t) => `  ${t.name.padEnd(width)}  ${String(t.rows).padStart(9)} rows  md5 ${t.md5}`),
    '',
  ].join('\n');
}

/** Progress on stderr: one line rewritten in place on a terminal, a line every few seconds otherwise. */
function progressPrinter(io: RebuildCliIo): { update: (progress: RebuildProgress) => void; done: () => void } {
  let lastPrinted = 0;
  let printed = false;
  return {
    update: (progress) => {
      const now = io.now();
      if (io.interactive) {
        if (now - lastPrinted < 100) return;
        io.stderr(`\r${formatProgress(progress)}\u001b[K`);
      } else {
        if (now - lastPrinted < 5000) return;
        io.stderr(`${formatProgress(progress)}\n`);
      }
      lastPrinted = now;
      printed = true;
    },
    done: () => {
      if (io.interactive && printed) io.stderr('\n');
    },
  };
}

export async function runRebuildCli(argv: readonly string[], io: RebuildCliIo = nodeIo, stores?: { eventStore: EventStore; readStore: SqlClient }): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.stderr(args === '' ? USAGE : `${args}\n${USAGE}`);
    return args === '' ? EXIT.ok : EXIT.badInput;
  }
  let opened = stores;
  if (!opened) {
    try {
      opened = await openStores(loadConfig(io.env));
    } catch (error) {
      if (error instanceof ConfigError) {
        io.stderr(`${error.message}\n`);
        return EXIT.badInput;
      }
      throw error;
    }
  }
  const { eventStore, readStore } = opened;
  const progress = progressPrinter(io);
  try {
    const result = await rebuildReadModels(eventStore, readStore, { batchSize: args.batchSize, onProgress: progress.update, projections: runtimeProjections });
    progress.done();
    io.stdout(formatSummary(result));
    return EXIT.ok;
  } catch (error) {
    progress.done();
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`重建失败 / rebuild failed: ${message}\n`);
    if (/another process/.test(message)) io.stderr('先停止运行投影的进程（API 或 worker）/ stop the API and the worker first.\n');
    return EXIT.failed;
  } finally {
    if (!stores) {
      await eventStore.close();
      await readStore.close().catch(() => undefined);
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runRebuildCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = EXIT.failed;
    },
  );
}
