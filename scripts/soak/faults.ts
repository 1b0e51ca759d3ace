import type { ManagedProcess, PrivateRedis } from './processes.js';
import { sleep } from './processes.js';

export interface Fault {
  at: string;
  what: string;
}

/**
 * Faults at random moments of the run: the worker and the projection runner are SIGKILLed and
 * restarted (each at least once), the private Redis is flushed once and restarted once.
 */
export async function injectFaults(runMs: number, targets: { worker: ManagedProcess; projections: ManagedProcess; redis: PrivateRedis }, faults: Fault[]): Promise<void> {
  const started = Date.now();
  const kills = Math.max(1, Math.round(runMs / 60_000));
  const plan: Array<{ atMs: number; run: () => Promise<string> }> = [];
  const randomMoment = () => runMs * (0.1 + Math.random() * 0.75);
  for (let i = 0; i < kills; i++) {
    plan.push({ atMs: randomMoment(), run: async () => (await targets.worker.kill('SIGKILL'), await sleep(500 + Math.random() * 2000), targets.worker.start(), 'SIGKILL worker, restarted') });
    plan.push({ atMs: randomMoment(), run: async () => (await targets.projections.kill('SIGKILL'), await sleep(500 + Math.random() * 2000), targets.projections.start(), 'SIGKILL projection runner, restarted') });
  }
  plan.push({ atMs: randomMoment(), run: async () => (await targets.redis.flushAll(), 'FLUSHALL private Redis') });
  plan.push({ atMs: randomMoment(), run: async () => (await targets.redis.restart(), 'restart private Redis (memory only: all keys lost)') });
  plan.sort((a, b) => a.atMs - b.atMs);
  for (const fault of plan) {
    const wait = started + fault.atMs - Date.now();
    if (wait > 0) await sleep(wait);
    const at = new Date().toISOString();
    const what = await fault.run();
    faults.push({ at, what });
    process.stdout.write(`soak: ${at} fault: ${what}\n`);
  }
}
