import client from 'prom-client';
import type { LedgerObserver } from '../ledger/index.js';
import { countAlertDeliveries, countAlerts, countInbox, countUnparsedItems, type Database } from '../storage/index.js';

/**
 * Prometheus metrics, one registry per server (so tests can run several). Counters count what this
 * instance did; gauges that describe the shared database are read from it at scrape time.
 */
export class Metrics {
  readonly registry = new client.Registry();
  readonly fillsIngested = new client.Counter({ name: 'fillbook_fills_ingested_total', help: 'Fill deliveries by outcome', labelNames: ['outcome'], registers: [this.registry] });
  readonly guardRefusals = new client.Counter({ name: 'fillbook_guard_refusals_total', help: 'Orders refused by the exposure guard', registers: [this.registry] });
  readonly alertAttempts = new client.Counter({
    name: 'fillbook_alert_delivery_attempts_total',
    help: "This instance's attempts to deliver an alert, by sink kind and outcome (delivered, retry: failed and retried later, failed: given up)",
    labelNames: ['sink_kind', 'outcome'],
    registers: [this.registry],
  });
  readonly requestDuration = new client.Histogram({
    name: 'fillbook_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(db: Database) {
    new client.Gauge({
      name: 'fillbook_orders',
      help: 'Orders in the database by status',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const r of await db.query<{ status: string; n: number }>('select status, count(*)::int as n from orders group by status')) this.set({ status: r.status }, Number(r.n));
      },
    });
    new client.Gauge({
      name: 'fillbook_account_halted',
      help: 'Accounts whose new entries are refused (fail closed) until reconciliation comes back clean: 1 per halted account',
      labelNames: ['account_id'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const halted = await db.query<{ account_id: string }>('select h.account_id from account_halts h join accounts a on a.account_id = h.account_id where a.fail_closed');
        for (const r of halted) this.set({ account_id: r.account_id }, 1);
      },
    });
    new client.Gauge({
      name: 'fillbook_alert_deliveries',
      help: 'Alert deliveries in the database by status: pending (queued, to be sent or retried), delivered, failed (given up)',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        for (const [status, n] of Object.entries(await countAlertDeliveries(db))) this.set({ status }, n);
      },
    });
    new client.Gauge({
      name: 'fillbook_alerts',
      help: 'Alerts queued in the outbox (kept), by kind',
      labelNames: ['kind'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const r of await countAlerts(db)) this.set({ kind: r.kind }, r.n);
      },
    });
    new client.Gauge({
      name: 'fillbook_webhook_inbox_depth',
      help: 'Webhook deliveries not yet processed, by status',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        const counts = await countInbox(db);
        for (const status of ['pending', 'waiting']) this.set({ status }, counts[status] ?? 0);
      },
    });
    new client.Gauge({
      name: 'fillbook_venue_unparsed_items',
      help: 'Distinct venue items kept raw because their adapter could not read them, by venue and kind',
      labelNames: ['venue', 'kind'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const r of await countUnparsedItems(db)) this.set({ venue: r.venue, kind: r.kind }, r.n);
      },
    });
  }

  observer(): LedgerObserver {
    return {
      fillIngested: (outcome) => this.fillsIngested.inc({ outcome }),
      exposureRefused: () => this.guardRefusals.inc(),
    };
  }
}
