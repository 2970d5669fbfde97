import { alertRetryDelayMs, type AlertSinkKind } from '../domain/index.js';
import { type Database, type DueDelivery, recordDeliveryAttempt, selectAccountsWithDueDeliveries, selectDueDeliveries } from '../storage/index.js';
import { sendAlert, type SendOptions, type SendOutcome } from './alert-sinks.js';

/** Attempts per delivery before it is given up (`failed`; `POST /v1/alerts/{id}/retry` queues it again). */
export const alertAttemptsMaxDefault = 10;
/** The first retry waits about this long; each next one twice as long, up to the cap (10 attempts span about 35 minutes). */
export const alertRetryDelayMsDefault = 2_000;
export const alertRetryDelayMsCap = 600_000;
/** How often the worker looks for due deliveries. */
export const alertPollIntervalMsDefault = 1_000;
/** Accounts served per pass, deliveries per account per pass, and accounts served at once. */
export const alertAccountsPerPassMax = 200;
export const alertDeliveriesPerAccountMax = 50;
export const alertAccountsInFlightMax = 4;

export interface AlertDeliveryOptions extends SendOptions {
  attemptsMax?: number;
  retryDelayMs?: number;
  retryDelayMsCap?: number;
  pollIntervalMs?: number;
  random?: () => number;
  onError?: (error: unknown) => void;
  /** Told of every attempt (metrics). */
  onAttempt?: (sinkKind: AlertSinkKind, outcome: 'delivered' | 'retry' | 'failed') => void;
}

/**
 * Delivers the alert outbox in the background, at least once: a delivery is marked delivered only
 * after its receiver answered 2xx, so a crash in between sends it again, and every message carries
 * the alert's id for the receiver to deduplicate on. A failed attempt waits an exponential,
 * jittered delay and tries again, at most `attemptsMax` times.
 *
 * Several instances: each pass takes an account's deliveries only under the advisory lock
 * `fillbook:alerts:<account>` and reads what is due after it has the lock, so two instances never
 * send the same delivery at once. Chosen over `SELECT … FOR UPDATE SKIP LOCKED`: a row lock lives
 * as long as its transaction, which would then stay open across every HTTP call to a slow receiver
 * (or need a lease column and its expiry), while the advisory lock is held on the lock session
 * outside the pool (src/storage/postgres-database.ts), costs one statement, goes away with a
 * process that dies, and keeps one account's alerts in order, as reconciliation and the submission
 * check already divide their work. Should the lock session itself drop mid-pass, another instance
 * may send a delivery again: at least once, never at most once, which the alert id covers. The
 * embedded engine (PGlite) belongs to one process, where the lock is this process's own.
 */
export class AlertDelivery {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<number> | undefined;
  private readonly attemptsMax: number;
  private readonly retryDelayMs: number;
  private readonly retryDelayMsCap: number;
  private readonly now: () => Date;
  private readonly observers: NonNullable<AlertDeliveryOptions['onAttempt']>[] = [];

  constructor(
    private readonly db: Database,
    private readonly options: AlertDeliveryOptions = {},
  ) {
    this.attemptsMax = options.attemptsMax ?? alertAttemptsMaxDefault;
    this.retryDelayMs = options.retryDelayMs ?? alertRetryDelayMsDefault;
    this.retryDelayMsCap = options.retryDelayMsCap ?? alertRetryDelayMsCap;
    this.now = options.now ?? (() => new Date());
  }

  /** Adds a hook told of every attempt (metrics). */
  observe(onAttempt: NonNullable<AlertDeliveryOptions['onAttempt']>): void {
    this.observers.push(onAttempt);
  }

  private told(kind: AlertSinkKind, outcome: 'delivered' | 'retry' | 'failed'): void {
    this.options.onAttempt?.(kind, outcome);
    for (const o of this.observers) o(kind, outcome);
  }

  /** Polls for due deliveries until stopped. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.deliverDue().catch((error: unknown) => this.options.onError?.(error)), this.options.pollIntervalMs ?? alertPollIntervalMsDefault);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.pass?.catch(() => {});
  }

  /** One pass over every account with deliveries due; returns how many attempts it made. A pass already running is joined. */
  deliverDue(): Promise<number> {
    this.pass ??= this.runPass().finally(() => {
      this.pass = undefined;
    });
    return this.pass;
  }

  private async runPass(): Promise<number> {
    const accounts = await selectAccountsWithDueDeliveries(this.db, this.now().toISOString(), alertAccountsPerPassMax);
    let attempts = 0;
    for (let i = 0; i < accounts.length; i += alertAccountsInFlightMax) {
      const made = await Promise.all(
        accounts.slice(i, i + alertAccountsInFlightMax).map((accountId) =>
          this.deliverAccount(accountId).catch((error: unknown) => {
            this.options.onError?.(error);
            return 0;
          }),
        ),
      );
      attempts += made.reduce((a, b) => a + b, 0);
    }
    return attempts;
  }

  /** One account's due deliveries, under its lock; another instance holding it has them. */
  private async deliverAccount(accountId: string): Promise<number> {
    const made = await this.db.withAdvisoryLock(`fillbook:alerts:${accountId}`, async () => {
      // Read under the lock: what another instance delivered before it let go is no longer due.
      const due = await selectDueDeliveries(this.db, accountId, this.now().toISOString(), alertDeliveriesPerAccountMax);
      // A sink that failed in this pass is not tried again in it: its next alerts wait with it.
      const failing = new Set<string>();
      let n = 0;
      for (const delivery of due) {
        if (failing.has(delivery.sink.id)) continue;
        const outcome = await sendAlert(delivery.sink, delivery.alert, delivery.account, this.options);
        n++;
        if (!outcome.ok) failing.add(delivery.sink.id);
        await this.record(delivery, outcome);
      }
      return n;
    });
    return made ?? 0;
  }

  private async record(delivery: DueDelivery, outcome: SendOutcome): Promise<void> {
    const attempts = delivery.attempts + 1;
    const at = this.now();
    const key = { accountId: delivery.alert.accountId, alertId: delivery.alert.id, sinkId: delivery.sink.id };
    if (outcome.ok) {
      await recordDeliveryAttempt(this.db, key, { status: 'delivered', attempts, at: at.toISOString(), error: null });
      this.told(delivery.sink.kind, 'delivered');
      return;
    }
    const giveUp = !outcome.retryable || attempts >= this.attemptsMax;
    const nextAttemptAt = giveUp ? undefined : new Date(at.getTime() + alertRetryDelayMs(attempts, this.retryDelayMs, this.retryDelayMsCap, this.options.random, outcome.retryAfterMs)).toISOString();
    await recordDeliveryAttempt(this.db, key, {
      status: giveUp ? 'failed' : 'pending',
      attempts,
      at: at.toISOString(),
      ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
      error: giveUp && outcome.retryable ? `${outcome.error} (gave up after ${attempts} attempts)` : outcome.error,
    });
    this.told(delivery.sink.kind, giveUp ? 'failed' : 'retry');
  }
}
