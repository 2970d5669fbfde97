import type { Ledger } from '../../src/ledger/index.js';
import { OrderRouter, type OrderRouterOptions, type VenueFactory, Venues, VenueSync, builtInVenueFactories } from '../../src/service/index.js';

/** The service's trading parts over one ledger: venues, the stream consumer, the router. */
export function trading(ledger: Ledger, options: OrderRouterOptions = {}, factories: Record<string, VenueFactory> = builtInVenueFactories) {
  const venues = new Venues(ledger, factories);
  const sync = new VenueSync(ledger);
  const errors: unknown[] = [];
  venues.onAdapter((accountId, adapter) => sync.attach(accountId, adapter, (e) => errors.push(e)));
  const router = new OrderRouter(ledger, venues, sync, options);
  return { venues, sync, router, errors, close: () => venues.closeAll() };
}
