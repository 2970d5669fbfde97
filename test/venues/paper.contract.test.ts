import { Decimal } from '../../src/domain/index.js';
import { Ledger } from '../../src/ledger/index.js';
import { PaperVenue } from '../../src/venues/index.js';
import { engines, freshDatabase } from '../support/backends.js';
import { venueContract } from './contract.js';

for (const engine of engines) {
  venueContract(`paper [${engine}]`, async () => {
    const fresh = await freshDatabase(engine);
    const ledger = await Ledger.open({ database: fresh.db });
    const account = await ledger.createAccount({ name: 'contract', venue: 'paper', venueConfig: { fillMode: 'manual', latencyMs: 0 } });
    const adapter = new PaperVenue(fresh.db, account.id, account.venueConfig);
    return {
      adapter,
      symbol: 'AAPL',
      restingPrice: '100',
      fillAtVenue: async (id, quantity, price) => {
        await adapter.fill(id, new Decimal(quantity), new Decimal(price));
      },
      close: async () => {
        await adapter.close();
        await fresh.drop();
      },
    };
  });
}
