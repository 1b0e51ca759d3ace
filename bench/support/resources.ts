import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

/** The PostgreSQL server the benchmarks create their scratch databases on. */
export const benchServerUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Things to undo at the end, last first; every step runs even if an earlier one fails. */
export class Cleanup {
  private readonly steps: Array<{ what: string; run: () => Promise<void> }> = [];

  defer(what: string, run: () => Promise<void>): void {
    this.steps.push({ what, run });
  }

  async runAll(): Promise<string[]> {
    const failures: string[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (error) {
        failures.push(`${step.what}: ${describeError(error)}`);
      }
    }
    return failures;
  }
}

/** Runs one step of a benchmark, so that a failure says which bench and which step. */
export function stepper(bench: string) {
  const prefix = `${bench}:`;
  return async function step<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof Error && error.message.startsWith(prefix)) throw error;
      throw new Error(`${prefix} ${what} failed: ${describeError(error)}`, { cause: error });
    }
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(benchServerUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A fresh database on the server, dropped at cleanup; returns its URL. */
export async function scratchDatabase(cleanup: Cleanup, prefix: string, step: ReturnType<typeof stepper>): Promise<string> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await step(`creating scratch database ${name} on ${benchServerUrl}`, () => adminQuery(`CREATE DATABASE ${name}`));
  cleanup.defer(`dropping scratch database ${name}`, () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return withDatabase(benchServerUrl, name);
}

/** Runs a benchmark body with a Cleanup that always runs, and reports what failed to clean up. */
export async function withCleanup<T>(bench: string, body: (cleanup: Cleanup) => Promise<T>): Promise<T> {
  const cleanup = new Cleanup();
  let result: T;
  try {
    result = await body(cleanup);
  } catch (error) {
    const failures = await cleanup.runAll();
    if (failures.length > 0 && error instanceof Error) error.message += ` (and cleaning up: ${failures.join('; ')})`;
    throw error;
  }
  const failures = await cleanup.runAll();
  if (failures.length > 0) throw new Error(`${bench}: cleaning up failed: ${failures.join('; ')}`);
  return result;
}

/** True when the module at `moduleUrl` is the script node was started with. */
function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
}

/** Lets a benchmark file run on its own (`node dist/bench/x.bench.js [--quick]`), printing JSON. */
export function runWhenMain(moduleUrl: string, benchmark: (options: { quick: boolean }) => Promise<unknown>): void {
  if (!isMain(moduleUrl)) return;
  benchmark({ quick: process.argv.includes('--quick') }).then(
    (results) => process.stdout.write(`${JSON.stringify(results, null, 2)}\n`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

/**
 * Runs a bench script (a module that, run as `node <file>`, reads a JSON spec on stdin and writes
 * its JSON answer on stdout, as `answerFromStdin` does) in a process of its own, and returns the
 * answer. `nodeOptions` are the child's node flags.
 */
export function runInProcessOfItsOwn<Answer>(moduleUrl: string, what: string, spec: unknown, nodeOptions: readonly string[] = []): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, fileURLToPath(moduleUrl)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${what} process exited with ${code}`));
      try {
        resolve(JSON.parse(output) as Answer);
      } catch (error) {
        reject(new Error(`${what} process wrote no answer: ${output.slice(0, 200)}`, { cause: error }));
      }
    });
    child.stdin.end(JSON.stringify(spec));
  });
}

/** The other half of runInProcessOfItsOwn: when `moduleUrl` is the main module, answers the spec on stdin. */
export function answerFromStdin<Spec>(moduleUrl: string, answer: (spec: Spec) => Promise<unknown>): void {
  if (!isMain(moduleUrl)) return;
  (async () => {
    let input = '';
    for await (const chunk of process.stdin) input += String(chunk);
    process.stdout.write(JSON.stringify(await answer(JSON.parse(input) as Spec)));
  })().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
