import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore, PostgresEventStore } from '#eventstore';
import { eventStoreContract } from './event-store.contract.js';
import { sqlTamperers } from './sql-tamper.js';

eventStoreContract('pglite (directory)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jx-pglite-'));
  const url = `pglite://${dir}`;
  let store = (await openEventStore(url)) as PostgresEventStore;
  const subject = {
    store,
    ...sqlTamperers(() => store.sql),
    reopen: async () => {
      await store.close();
      store = (await openEventStore(url)) as PostgresEventStore;
      return store;
    },
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return subject;
});
