import { openSqlClient, PostgresEventStore } from '#eventstore';
import { rebuildReadModels, type RebuildResult } from '#read-models';
import { answerFromStdin, runInProcessOfItsOwn } from './resources.js';

/**
 * A rebuild in a process of its own, as `npm run projections:rebuild` runs one (with its node
 * flags). The bench seeds the store in its own process; a rebuild run there inherits that
 * process's heap — a million events' worth of seeding, and whatever suites ran before — and pays
 * for it in garbage collection: stores of the same million events rebuilt at 15,300–16,400
 * events/s in the seeding process, and at 19,000–20,600 in a fresh one.
 */

export type RebuildAnswer = Omit<RebuildResult, 'head'> & { head: string };

/** The node flags of `npm run projections:rebuild` (package.json). */
const REBUILD_NODE_OPTIONS = ['--max-semi-space-size=64'];

async function rebuild(spec: { url: string }): Promise<RebuildAnswer> {
  const sql = await openSqlClient(spec.url);
  try {
    const result = await rebuildReadModels(await PostgresEventStore.create(sql), sql);
    return { ...result, head: result.head.toString() };
  } finally {
    await sql.close();
  }
}

/** Rebuilds every read model of the store at `url` (postgres:// or pglite://) in a child process. */
export function rebuildInProcessOfItsOwn(url: string): Promise<RebuildAnswer> {
  return runInProcessOfItsOwn<RebuildAnswer>(import.meta.url, 'rebuild', { url }, REBUILD_NODE_OPTIONS);
}

answerFromStdin(import.meta.url, rebuild);
