import { FillbookError } from '../domain/index.js';
import type { Account, Ledger } from '../ledger/index.js';
import type { Database } from '../storage/index.js';
import { createAlpacaVenue, createCcxtVenue, createTastytradeVenue, createTradierVenue, PaperVenue, type VenueAdapter } from '../venues/index.js';

export type VenueFactory = (account: Account, db: Database) => VenueAdapter | Promise<VenueAdapter>;

export const builtInVenueFactories: Record<string, VenueFactory> = {
  paper: async (account, db) => {
    const venue = new PaperVenue(db, account.id, account.venueConfig, { webhookSecret: account.webhookSecret });
    await venue.resume();
    return venue;
  },
  tastytrade: (account) => createTastytradeVenue(account),
  'ccxt:bybit': (account) => createCcxtVenue(account),
  alpaca: (account) => createAlpacaVenue(account),
  tradier: (account) => createTradierVenue(account),
};

/**
 * The adapter of each account, made on first use. An adapter holds connections and a stream, never
 * ledger state, so each instance of the service may hold its own.
 */
export class Venues {
  private readonly adapters = new Map<string, Promise<VenueAdapter>>();
  private readonly onCreated: ((accountId: string, adapter: VenueAdapter) => void)[] = [];

  constructor(
    private readonly ledger: Ledger,
    private readonly factories: Record<string, VenueFactory> = builtInVenueFactories,
  ) {}

  /** Called for every adapter made from now on (the stream consumer subscribes here). */
  onAdapter(listener: (accountId: string, adapter: VenueAdapter) => void): void {
    this.onCreated.push(listener);
  }

  async forAccount(accountId: string): Promise<VenueAdapter> {
    let adapter = this.adapters.get(accountId);
    if (adapter === undefined) {
      adapter = this.create(accountId);
      this.adapters.set(accountId, adapter);
      adapter.catch(() => this.adapters.delete(accountId));
    }
    return adapter;
  }

  private async create(accountId: string): Promise<VenueAdapter> {
    const account = await this.ledger.getAccount(accountId);
    const factory = this.factories[account.venue];
    if (factory === undefined) {
      throw new FillbookError(
        'FILLBOOK_ERR_VENUE_UNAVAILABLE',
        account.venue === 'manual'
          ? `account ${accountId} is manual: the bot talks to its broker itself; record orders with submit: false and report events and fills`
          : `no adapter for venue ${account.venue} is available in this build`,
        { account_id: accountId, venue: account.venue },
      );
    }
    const adapter = await factory(account, this.ledger.db);
    for (const listener of this.onCreated) listener(accountId, adapter);
    return adapter;
  }

  async closeAll(): Promise<void> {
    const adapters = await Promise.allSettled([...this.adapters.values()]);
    this.adapters.clear();
    await Promise.all(adapters.map((a) => (a.status === 'fulfilled' ? a.value.close() : undefined)));
  }
}
