import type { Ledger } from '../ledger/index.js';
import { OrderRouter, type OrderRouterOptions } from './order-router.js';
import { VenueSync } from './venue-sync.js';
import { builtInVenueFactories, type VenueFactory, Venues } from './venues.js';

/** How often each account's interrupted submissions and failed orders are looked at. */
export const submissionCheckIntervalMsDefault = 10_000;

export interface ServiceOptions extends OrderRouterOptions {
  submissionCheckIntervalMs?: number;
  venueFactories?: Record<string, VenueFactory>;
  onError?: (error: unknown, context: string) => void;
}

/**
 * The running parts around a ledger: each account's venue adapter and its stream, the order router,
 * and a background pass that resolves interrupted submissions and retries failed orders. Several
 * instances may run against one PostgreSQL server: an advisory lock per account lets one pass at a
 * time work on an account.
 */
export class FillbookService {
  readonly venues: Venues;
  readonly sync: VenueSync;
  readonly router: OrderRouter;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> = Promise.resolve();
  private readonly onError: (error: unknown, context: string) => void;

  constructor(
    readonly ledger: Ledger,
    private readonly options: ServiceOptions = {},
  ) {
    this.venues = new Venues(ledger, options.venueFactories ?? builtInVenueFactories);
    this.sync = new VenueSync(ledger);
    this.onError = options.onError ?? (() => {});
    this.venues.onAdapter((accountId, adapter) => this.sync.attach(accountId, adapter, (e) => this.onError(e, `venue stream of account ${accountId}`)));
    this.router = new OrderRouter(ledger, this.venues, this.sync, options);
  }

  /** Connects every account's venue, runs a first pass and schedules the next ones. */
  async start(): Promise<void> {
    await this.checkSubmissions();
    const intervalMs = this.options.submissionCheckIntervalMs ?? submissionCheckIntervalMsDefault;
    this.timer = setInterval(() => {
      this.pass = this.pass.then(() => this.checkSubmissions());
    }, intervalMs);
    this.timer.unref();
  }

  /** One pass over every account that has a venue adapter. */
  async checkSubmissions(): Promise<void> {
    for (const account of await this.ledger.listAccounts()) {
      if (!(account.venue in (this.options.venueFactories ?? builtInVenueFactories))) continue;
      try {
        await this.ledger.db.withAdvisoryLock(`fillbook:submissions:${account.id}`, async () => {
          await this.router.resolveStuckSubmissions(account.id);
          await this.router.retryFailedOrders(account.id);
        });
      } catch (error) {
        this.onError(error, `submission check of account ${account.id}`);
      }
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pass;
    await this.venues.closeAll();
  }
}
