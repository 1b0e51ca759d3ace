import { openEventStore, PostgresEventStore } from '#eventstore';
import { createScratchDatabase } from '../support/databases.js';
import { eventStoreContract } from './event-store.contract.js';
import { sqlTamperers } from './sql-tamper.js';

eventStoreContract('postgres', async () => {
  const database = await createScratchDatabase('jx_contract');
  let store = (await openEventStore(database.url, { maxConnections: 20 })) as PostgresEventStore;
  return {
    store,
    ...sqlTamperers(() => store.sql),
    reopen: async () => {
      await store.close();
      store = (await openEventStore(database.url)) as PostgresEventStore;
      return store;
    },
    dispose: async () => {
      await store.close();
      await database.drop();
    },
  };
});
