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
  'ccxt:binance': (account) => createCcxtVenue(account),
  'ccxt:binanceusdm': (account) => createCcxtVenue(account),
  'ccxt:okx': (account) => createCcxtVenue(account),
  alpaca: (account) => createAlpacaVenue(account),
  tradier: (account) => createTradierVenue(account),
};

/**
 * The adapter of each account, made on first use. An adapter holds connections and a stream, never
 * ledger state, so each instance of the service may hold its own.
 */
export class Venues {
  private readonly adapters = new Map<string, Promise<VenueAdapter>>();
  private readonly raw = new Map<string, VenueAdapter>();
  private readonly onCreated: ((accountId: string, adapter: VenueAdapter) => void)[] = [];

  constructor(
    private readonly ledger: Ledger,
    private readonly factories: Record<string, VenueFactory> = builtInVenueFactories,
  ) {}

  /** Called for every adapter made from now on (the stream consumer subscribes here). */
  onAdapter(listener: (accountId: string, adapter: VenueAdapter) => void): void {
    this.onCreated.push(listener);
  }

  /**
   * The adapter of an account Fillbook may trade on: an observe-only account is refused with a coded
   * error before anything is recorded or sent. Its switch is read from the database each time, so
   * every instance honours a change at once. Checked here, the caller gets the venue itself: the
   * guarded adapter would read the switch a second time for the same placement or cancel.
   */
  async forSending(accountId: string): Promise<VenueAdapter> {
    await this.assertMaySend(accountId);
    return this.venueOf(accountId);
  }

  async assertMaySend(accountId: string): Promise<void> {
    const account = await this.ledger.getAccount(accountId);
    if (account.observeOnly) throw observeOnly(accountId);
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
      // Permanent for this account, so not the retryable VENUE_UNAVAILABLE: retrying cannot help.
      throw new FillbookError(
        'FILLBOOK_ERR_VENUE_UNSUPPORTED',
        account.venue === 'manual'
          ? `account ${accountId} is manual: the bot talks to its broker itself; record orders with submit: false and report events (such as canceled) and fills`
          : `no adapter for venue ${account.venue} is available in this build`,
        { account_id: accountId, venue: account.venue },
      );
    }
    const raw = await factory(account, this.ledger.db);
    this.raw.set(accountId, raw);
    const adapter = this.readOnlyWhenObserving(accountId, raw);
    for (const listener of this.onCreated) listener(accountId, adapter);
    return adapter;
  }

  /**
   * Every path that places or cancels goes through the adapter: checking the account's switch there
   * too means no path (a repair, a retry, a restart) can go around it.
   */
  /**
   * Every path that places or cancels goes through the adapter: checking the account's switch there
   * too means no path (a repair, a retry, a restart) can go around it. The adapter itself keeps its
   * `this`; only the two calls that act at the venue are intercepted.
   */
  private readOnlyWhenObserving(accountId: string, adapter: VenueAdapter): VenueAdapter {
    const acting = new Set<PropertyKey>(['placeOrder', 'cancelOrder']);
    return new Proxy(adapter, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        const method = (value as (...args: unknown[]) => unknown).bind(target);
        if (!acting.has(property)) return method;
        return async (...args: unknown[]) => {
          await this.assertMaySend(accountId);
          return method(...args);
        };
      },
    });
  }

  /**
   * The venue itself, unguarded: for the paper venue's hand controls, which act as the market or as
   * the bot's own broker code would, never as Fillbook.
   */
  async venueOf(accountId: string): Promise<VenueAdapter> {
    await this.forAccount(accountId);
    return this.raw.get(accountId)!;
  }

  async closeAll(): Promise<void> {
    const adapters = await Promise.allSettled([...this.adapters.values()]);
    this.adapters.clear();
    this.raw.clear();
    await Promise.all(adapters.map((a) => (a.status === 'fulfilled' ? a.value.close() : undefined)));
  }
}

export function observeOnly(accountId: string): FillbookError {
  return new FillbookError(
    'FILLBOOK_ERR_ACCOUNT_OBSERVE_ONLY',
    `account ${accountId} is observe-only: Fillbook reads its venue and reconciles but never places or cancels there; record the bot's orders with submit: false, or turn observe_only off for the account`,
    { account_id: accountId },
  );
}
