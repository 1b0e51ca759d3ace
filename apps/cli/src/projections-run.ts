#!/usr/bin/env node
// Runs the read-model projections until SIGTERM or SIGINT: catches up from the stored checkpoints,
// then follows new events. `node dist/apps/cli/src/projections-run.js [--batch-size <events>]`.
import { ConfigError, loadConfig } from '#config';
import { openStores } from '#platform';
import { ProjectionRunner } from '#projections';
import { runtimeProjections as projections } from '../../api/src/read-models/projection-set.js';

async function main(): Promise<void> {
  const flag = process.argv.slice(2).find((a) => a.startsWith('--batch-size='));
  const batchSize = flag === undefined ? 1000 : Number(flag.slice('--batch-size='.length));
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConfigError('--batch-size', 'must be a positive integer', flag);
  const config = loadConfig();
  const { eventStore, readStore } = await openStores(config);
  const runner = new ProjectionRunner(eventStore, readStore, projections, {
    batchSize,
    onError: (error) => process.stderr.write(`projection runner: ${error instanceof Error ? error.message : String(error)}; retrying from the checkpoints\n`),
  });
  runner.start();
  process.stdout.write(`projections running: ${projections.map((p) => p.name).join(', ')}\n`);
  const stop = async () => {
    await runner.stop();
    await eventStore.close();
    await readStore.close().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `projections-run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
