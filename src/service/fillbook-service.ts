import { isFillbookError, type ReconciliationAction } from '../domain/index.js';
import type { Ledger } from '../ledger/index.js';
import { AlertDelivery, type AlertDeliveryOptions } from './alert-delivery.js';
import { AlertSinks } from './alert-sinks.js';
import { HistoryImport } from './history-import.js';
import { StreamWatch, streamDownAlertAfterMsDefault } from './stream-watch.js';
import { Reconciler, type ReconcilerOptions, type ReconciliationRun } from './reconciler.js';
import { OrderRouter, type OrderRouterOptions } from './order-router.js';
import { feePollIntervalMsDefault, type FeePollOutcome, VenueFeePoller } from './venue-fees.js';
import { VenueSync } from './venue-sync.js';
import { builtInVenueFactories, type VenueFactory, Venues } from './venues.js';

/** How often each account's interrupted submissions and failed orders are looked at. */
export const submissionCheckIntervalMsDefault = 10_000;
/** How often each account is reconciled (a dry run unless `reconcileActions` names actions). */
export const reconcileIntervalMsDefault = 300_000;

export interface ServiceOptions extends OrderRouterOptions, ReconcilerOptions {
  submissionCheckIntervalMs?: number;
  /** 0 turns scheduled reconciliation off (the start-up run still happens unless `reconcileAtStart` is false). */
  reconcileIntervalMs?: number;
  reconcileAtStart?: boolean;
  /** How often every account's fees reported apart from fills are polled; 0 turns the poll off (reconciliation still polls first). */
  feePollIntervalMs?: number;
  reconcileActions?: ReconciliationAction[];
  /** Told about every scheduled run, so that an account that does not reconcile is flagged loudly. */
  onReconciled?: (run: ReconciliationRun) => void;
  venueFactories?: Record<string, VenueFactory>;
  onError?: (error: unknown, context: string) => void;
  /** Delivery of the alert outbox (retries, the Telegram API's address, …). */
  alerts?: AlertDeliveryOptions;
  /** A venue stream down this long queues a `stream_down` alert (`streamDownAlertAfterMsDefault`). */
  streamDownAlertAfterMs?: number;
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
  readonly reconciler: Reconciler;
  readonly imports: HistoryImport;
  /** Delivers the alert outbox in the background (started with the service). */
  readonly alerts: AlertDelivery;
  readonly alertSinks: AlertSinks;
  readonly streams: StreamWatch;
  readonly fees: VenueFeePoller;
  private timer: NodeJS.Timeout | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private feeTimer: NodeJS.Timeout | undefined;
  private pass: Promise<void> = Promise.resolve();
  private readonly onError: (error: unknown, context: string) => void;

  constructor(
    readonly ledger: Ledger,
    private readonly options: ServiceOptions = {},
  ) {
    this.venues = new Venues(ledger, options.venueFactories ?? builtInVenueFactories);
    this.sync = new VenueSync(ledger);
    this.onError = options.onError ?? (() => {});
    this.router = new OrderRouter(ledger, this.venues, this.sync, options);
    this.reconciler = new Reconciler(ledger, this.venues, this.sync, options);
    this.imports = new HistoryImport(ledger, this.venues, this.sync, options.now);
    const alertOptions: AlertDeliveryOptions = { onError: (e) => this.onError(e, 'alert delivery'), ...options.alerts };
    this.alerts = new AlertDelivery(ledger.db, alertOptions);
    this.alertSinks = new AlertSinks(ledger.db, alertOptions);
    this.streams = new StreamWatch(ledger.db, options.streamDownAlertAfterMs ?? streamDownAlertAfterMsDefault, (e) => this.onError(e, 'stream alert'));
    this.fees = new VenueFeePoller(ledger, this.venues, this.sync, options.now);
    this.venues.onAdapter((accountId, adapter) => {
      this.sync.attach(accountId, adapter, (e) => this.onError(e, `venue stream of account ${accountId}`));
      // After a stream reconnects, whatever it dropped meanwhile is found by reconciling.
      adapter.subscribe((event) => {
        if (event.kind === 'disconnected') this.streams.disconnected(accountId, adapter.venue, event.reason);
        if (event.kind === 'reconnected') {
          void this.streams.reconnected(accountId);
          this.reconcile(accountId, 'reconnect').catch((e: unknown) => this.onError(e, `reconciliation of account ${accountId}`));
        }
      });
    });
  }

  /** Connects every account's venue, runs a first pass and schedules the next ones. */
  async start(): Promise<void> {
    this.alerts.start();
    await this.checkSubmissions();
    if (this.options.reconcileAtStart !== false) await this.reconcileAll('startup');
    const reconcileMs = this.options.reconcileIntervalMs ?? reconcileIntervalMsDefault;
    if (reconcileMs > 0) {
      this.reconcileTimer = setInterval(() => {
        this.pass = this.pass.then(() => this.reconcileAll('schedule'));
      }, reconcileMs);
      this.reconcileTimer.unref();
    }
    const feeMs = this.options.feePollIntervalMs ?? feePollIntervalMsDefault;
    if (feeMs > 0) {
      this.feeTimer = setInterval(() => {
        this.pass = this.pass.then(() => this.pollFeesAll());
      }, feeMs);
      this.feeTimer.unref();
    }
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

  /** Reconciles every account with a venue; an account that cannot be reconciled is reported, not skipped silently. */
  async reconcileAll(startedBy: string): Promise<void> {
    for (const account of await this.ledger.listAccounts()) {
      if (!(account.venue in (this.options.venueFactories ?? builtInVenueFactories))) continue;
      try {
        await this.reconcile(account.id, startedBy);
      } catch (error) {
        if (isFillbookError(error, 'FILLBOOK_ERR_RECONCILIATION_RUNNING')) continue; // another instance has it
        this.onError(error, `reconciliation of account ${account.id} (${account.name}) FAILED: its holdings are not verified`);
      }
    }
  }

  /** Polls every account's fees reported apart from its fills (a venue without them is skipped). */
  async pollFeesAll(): Promise<void> {
    for (const account of await this.ledger.listAccounts()) {
      if (!(account.venue in (this.options.venueFactories ?? builtInVenueFactories))) continue;
      await this.pollFees(account.id).catch((error: unknown) => this.onError(error, `fee poll of account ${account.id}`));
    }
  }

  pollFees(accountId: string): Promise<FeePollOutcome | undefined> {
    return this.fees.poll(accountId);
  }

  /**
   * Reconciles an account, having first brought in the fees its venue reported apart from fills (a
   * fee taken in a crypto asset changes what the account holds). Fees left waiting for an order the
   * ledger lacked are tried again after the run, which may have adopted that order. A fee poll that
   * fails is reported and the run goes on: fees move no order and no fill.
   */
  async reconcile(accountId: string, startedBy: string): Promise<ReconciliationRun> {
    const polled = await this.pollFees(accountId).catch((error: unknown) => void this.onError(error, `fee poll of account ${accountId}`));
    const run = await this.reconciler.run({ accountId, actions: this.options.reconcileActions ?? [], startedBy });
    if (polled !== undefined && polled.waiting > 0) {
      await this.pollFees(accountId).catch((error: unknown) => this.onError(error, `fee poll of account ${accountId}`));
    }
    this.options.onReconciled?.(run);
    return run;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.reconcileTimer);
    this.streams.stop();
    clearInterval(this.feeTimer);
    await this.pass;
    await this.alerts.stop();
    await this.venues.closeAll();
  }
}
