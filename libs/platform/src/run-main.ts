import { ConfigError } from '#config';
import { RedisUnreachableError } from './redis.js';

/**
 * Runs a process's start-up. Operator mistakes (a bad setting, Redis down) end it with their one
 * line; anything else with its stack. A started process gets a hard stop after SIGTERM/SIGINT in
 * case graceful shutdown hangs.
 */
export function runMain(name: string, start: () => Promise<{ shutdownTimeoutMs: number }>): void {
  start()
    .then(({ shutdownTimeoutMs }) => {
      const forceExit = () => setTimeout(() => process.exit(1), shutdownTimeoutMs).unref();
      process.once('SIGTERM', forceExit);
      process.once('SIGINT', forceExit);
    })
    .catch((error: unknown) => {
      if (error instanceof ConfigError || error instanceof RedisUnreachableError) {
        process.stderr.write(`${error.message}\n`);
      } else {
        process.stderr.write(`${name} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      }
      process.exit(1);
    });
}
