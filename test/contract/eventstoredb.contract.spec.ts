import { describe, it } from '@jest/globals';
import { openEventStore } from '#eventstore';
import { eventStoreContract } from './event-store.contract.js';

/**
 * The contract on a running EventStoreDB (22.6 or later), e.g.
 * EVENTSTORE_URL='esdb://localhost:2113?tls=false'. Events there are immutable, so the tamper,
 * remove and reopen cases do not apply; every case writes to streams of its own, so the server
 * need not be empty.
 */
const url = process.env.EVENTSTORE_URL;

if (url) {
  eventStoreContract('eventstoredb', async () => {
    if (!url.startsWith('esdb://') && !url.startsWith('esdb+discover://')) {
      throw new Error(`EVENTSTORE_URL must be an esdb:// or esdb+discover:// connection string, not ${url.split(':')[0]}://…`);
    }
    const store = await openEventStore(url);
    if (store.kind !== 'eventstoredb') throw new Error(`EVENTSTORE_URL opened a ${store.kind} store`);
    return { store, dispose: () => store.close() };
  });
} else {
  const reason = 'EVENTSTORE_URL is not set (docker compose up eventstore)';
  process.stdout.write(`\n  EventStore contract on eventstoredb skipped: ${reason}\n`);
  describe.skip(`EventStore contract on eventstoredb — skipped: ${reason}`, () => {
    it('needs a running EventStoreDB', () => {});
  });
}
