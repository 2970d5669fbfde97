import { Decimal, isFillbookError, statusClass, type VenueOrderReport } from '../../src/domain/index.js';
import type { Ledger } from '../../src/ledger/index.js';
import { builtInVenueFactories, OrderRouter, Reconciler, Venues, VenueSync } from '../../src/service/index.js';
import type { PaperVenue, VenueEvent } from '../../src/venues/index.js';

/**
 * A seeded drift simulator: a random script of what a bot, its venue and the network do to one
 * account — orders placed through Fillbook and by the bot (`submit: false`, reported or never
 * reported), orders placed at the venue by hand, fills and cancels delivered, dropped, delivered
 * twice or out of order, late fills on orders the ledger already closed — then one reconciliation
 * with `clear_invalid`, `adopt_orphaned` and `import_fills`, then the checks: the ledger equals the
 * venue, nothing was sent that nobody asked Fillbook to send, and a second dry run is clean.
 *
 * Reports from the venue are delivered by the script itself (the paper venue's stream is not
 * attached), so a seed replays exactly.
 */
export interface DriftResult {
  seed: number;
  steps: string[];
  failures: string[];
}

const symbols = ['AAPL', 'MSFT'] as const;
const stepsMin = 5;
const stepsMax = 20;

/** mulberry32: a small seeded PRNG, enough to make a script from a seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function runDriftScript(ledger: Ledger, seed: number): Promise<DriftResult> {
  const random = prng(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const steps: string[] = [];
  const failures: string[] = [];

  const venues = new Venues(ledger, builtInVenueFactories);
  const sync = new VenueSync(ledger);
  const router = new OrderRouter(ledger, venues, sync, { stuckAfterMs: 0 });
  /** The background pass as it runs an hour later: everything unconfirmed is stuck, every backoff has passed. */
  const later = new OrderRouter(ledger, venues, sync, { stuckAfterMs: 0, retryDelayMs: 0, now: () => new Date(Date.now() + 3_600_000) });
  const reconciler = new Reconciler(ledger, venues, sync, { quietPeriodMs: 0, stuckAfterMs: 0 });
  const account = await ledger.createAccount({ name: `drift-${seed}`, venue: 'paper', venueConfig: { fillMode: 'manual', latencyMs: 0 } });
  const paper = (await venues.venueOf(account.id)) as PaperVenue;

  /** Client order ids of orders Fillbook was asked to send, and of orders placed at the venue by the bot or by hand. */
  const askedToSend = new Set<string>();
  const placedOutside = new Set<string>();
  const queue: VenueEvent[] = [];
  /** Venue order ids in the order the script placed them: picks come from here, so a seed replays exactly. */
  const venueIds: string[] = [];
  const openAtVenue = async () => {
    const open: VenueOrderReport[] = [];
    for (const id of venueIds) {
      const o = await paper.getOrder(id);
      if (o !== undefined && (o.status === 'open' || o.status === 'partially_filled')) open.push(o);
    }
    return open;
  };
  const deliver = async (event: VenueEvent) => {
    try {
      await sync.apply(account.id, event, 'broker_stream');
    } catch (error) {
      // A stale or refused report is what a venue's stream does to a ledger; anything else is a defect.
      if (!isFillbookError(error)) throw error;
    }
  };
  /** How the network treats a report: delivered, dropped, delivered twice, or held back and delivered out of order. */
  const route = async (events: VenueEvent[]) => {
    const fate = pick(['deliver', 'drop', 'twice', 'later'] as const);
    steps.push(`  -> ${fate}`);
    if (fate === 'drop') return;
    if (fate === 'later') {
      queue.push(...events);
      return;
    }
    for (const e of events) await deliver(e);
    if (fate === 'twice') for (const e of events) await deliver(e);
  };
  const flush = async () => {
    while (queue.length > 0) await deliver(queue.splice(Math.floor(random() * queue.length), 1)[0]!);
  };
  const venueOrders = async () => {
    const all: VenueOrderReport[] = [];
    let cursor: string | null = null;
    do {
      const page = await paper.listOrders(new Date(0).toISOString(), cursor);
      all.push(...page.orders);
      cursor = page.cursor;
    } while (cursor !== null);
    return all;
  };
  const order = (i: number) => ({ symbol: pick(symbols), side: pick(['buy', 'sell'] as const), quantity: String(int(1, 10)), limitPrice: String(int(95, 105)), i });

  try {
    const count = int(stepsMin, stepsMax);
    for (let i = 0; i < count; i++) {
      const kind = pick([
        'fillbook', 'fillbook', 'bot_reported', 'bot_unreported', 'bot_never_placed', 'hand', 'fill', 'fill', 'fill', 'fill',
        'venue_cancel', 'fillbook_cancel', 'fillbook_cancel', 'flush', 'background_pass', 'restart',
      ] as const);
      steps.push(kind);
      const o = order(i);
      switch (kind) {
        case 'fillbook': {
          const placed = await router.placeOrder({ accountId: account.id, symbol: o.symbol, side: o.side, type: 'limit', quantity: o.quantity, limitPrice: o.limitPrice });
          askedToSend.add(placed.clientOrderId);
          if (placed.brokerOrderId !== null) venueIds.push(placed.brokerOrderId);
          break;
        }
        case 'bot_reported':
        case 'bot_unreported': {
          const clientOrderId = `bot-${seed}-${i}`;
          await router.place({ accountId: account.id, symbol: o.symbol, side: o.side, type: 'limit', quantity: o.quantity, limitPrice: o.limitPrice, clientOrderId, submit: false });
          const atVenue = await paper.placeExternal({ clientOrderId, symbol: o.symbol, side: o.side, type: 'limit', timeInForce: 'day', quantity: o.quantity, limitPrice: o.limitPrice }, { silent: true });
          placedOutside.add(clientOrderId);
          venueIds.push(atVenue.venueOrderId);
          if (kind === 'bot_reported') {
            // The bot reports its own acknowledgement, with or without the venue's id, or the venue's stream does.
            const how = pick(['bot_with_id', 'bot_without_id', 'stream'] as const);
            steps.push(`  -> ${how}`);
            if (how === 'stream') await route([{ kind: 'order', order: atVenue }]);
            else await ledger.applyEvent({ accountId: account.id, clientOrderId }, { type: 'accepted', brokerOrderId: how === 'bot_with_id' ? atVenue.venueOrderId : undefined });
          }
          break;
        }
        case 'bot_never_placed':
          await router.place({ accountId: account.id, symbol: o.symbol, side: o.side, type: 'limit', quantity: o.quantity, limitPrice: o.limitPrice, submit: false });
          break;
        case 'hand': {
          const atVenue = await paper.placeExternal({ symbol: o.symbol, side: o.side, type: 'limit', quantity: o.quantity, limitPrice: o.limitPrice }, { silent: true });
          placedOutside.add(atVenue.clientOrderId!);
          venueIds.push(atVenue.venueOrderId);
          break;
        }
        case 'fill': {
          const open = await openAtVenue();
          if (open.length === 0) break;
          const target = pick(open);
          const left = target.quantity.minus(target.filledQuantity).toNumber();
          const quantity = new Decimal(int(1, left));
          const fill = await paper.fill(target.venueOrderId, quantity, new Decimal(`${int(95, 105)}.${int(0, 99)}`), { silent: true });
          await route([{ kind: 'fill', fill }, { kind: 'order', order: (await paper.getOrder(target.venueOrderId))! }]);
          break;
        }
        case 'venue_cancel': {
          const open = await openAtVenue();
          if (open.length === 0) break;
          const canceled = await paper.cancelOrder(pick(open).venueOrderId, { silent: true });
          await route([{ kind: 'order', order: canceled }]);
          break;
        }
        case 'fillbook_cancel': {
          // A cancel through Fillbook of an order Fillbook sent: the late-fill case when the venue filled some silently.
          const working = (await ledger.listOrders(account.id, { statuses: ['open', 'partially_filled'], sentBy: 'fillbook' }));
          if (working.length === 0) break;
          await router.cancelOrder({ orderId: pick(working).id, accountId: account.id }).catch((error: unknown) => {
            if (!isFillbookError(error)) throw error;
          });
          break;
        }
        case 'flush':
          await flush();
          break;
        case 'background_pass':
          // The service's pass over interrupted submissions and failed orders, long after the fact.
          await later.resolveStuckSubmissions(account.id);
          await later.retryFailedOrders(account.id);
          break;
        case 'restart':
          // A restart reconciles (here with the repairs) and runs the pass again: neither may send a bot's order.
          await reconciler.run({ accountId: account.id, actions: ['clear_invalid', 'adopt_orphaned', 'import_fills'], startedBy: 'startup' });
          await later.resolveStuckSubmissions(account.id);
          await later.retryFailedOrders(account.id);
          break;
      }
    }
    await flush();

    const repair = await reconciler.run({ accountId: account.id, actions: ['clear_invalid', 'adopt_orphaned', 'import_fills'], startedBy: 'drift' });
    if (repair.status !== 'completed') failures.push(`the repairing run ended ${repair.status}: ${repair.error}`);

    // Every venue order is in the ledger once, with its broker order id, status class, filled quantity and average.
    const atVenue = await venueOrders();
    for (const v of atVenue) {
      const mine = (await ledger.listOrders(account.id)).filter((l) => l.brokerOrderId === v.venueOrderId || (v.clientOrderId !== null && l.clientOrderId === v.clientOrderId));
      if (mine.length !== 1) {
        failures.push(`venue order ${v.venueOrderId} (${v.clientOrderId}) is in the ledger ${mine.length} times`);
        continue;
      }
      const l = mine[0]!;
      if (l.brokerOrderId !== v.venueOrderId) failures.push(`ledger order ${l.id} has broker order id ${l.brokerOrderId}, the venue says ${v.venueOrderId}`);
      if (statusClass(l.status) !== statusClass(v.status)) failures.push(`order ${v.venueOrderId}: ledger ${l.status}, venue ${v.status}`);
      if (!l.qtyFilled.eq(v.filledQuantity)) failures.push(`order ${v.venueOrderId}: ledger filled ${l.qtyFilled.toFixed()}, venue ${v.filledQuantity.toFixed()}`);
      const ours = l.avgFillPrice?.toDecimalPlaces(8).toFixed() ?? null;
      const theirs = v.avgFillPrice?.toDecimalPlaces(8).toFixed() ?? null;
      if (ours !== theirs) failures.push(`order ${v.venueOrderId}: ledger average ${ours}, venue ${theirs}`);
    }
    // Nothing was placed at the venue that nobody asked Fillbook to send.
    for (const v of atVenue) {
      if (v.clientOrderId === null || (!askedToSend.has(v.clientOrderId) && !placedOutside.has(v.clientOrderId))) failures.push(`venue order ${v.venueOrderId} (${v.clientOrderId}) was placed by nobody's request`);
    }
    if (atVenue.length !== askedToSend.size + placedOutside.size) failures.push(`the venue holds ${atVenue.length} orders; ${askedToSend.size} were sent by Fillbook and ${placedOutside.size} placed outside`);
    // Ledger orders the venue never had are closed, never working and never sent.
    for (const l of await ledger.listOrders(account.id)) {
      if (l.brokerOrderId === null && statusClass(l.status) === 'working') failures.push(`ledger order ${l.id} (${l.sentBy}) is still ${l.status} with no venue order`);
    }
    // Holdings equal per symbol.
    const ledgerNet = new Map((await ledger.getHoldings(account.id)).map((x) => [x.symbol, x.netQuantity.toFixed()]));
    const venueNet = new Map((await paper.listPositions()).map((p) => [p.symbol, p.netQuantity.toFixed()]));
    for (const symbol of new Set([...ledgerNet.keys(), ...venueNet.keys()])) {
      const [ours, theirs] = [ledgerNet.get(symbol) ?? '0', venueNet.get(symbol) ?? '0'];
      if (!new Decimal(ours).eq(theirs)) failures.push(`holding ${symbol}: ledger ${ours}, venue ${theirs}`);
    }
    // A second dry run finds nothing but matched (and unprotected positions, which are the bot's business).
    const again = await reconciler.run({ accountId: account.id, startedBy: 'drift' });
    for (const f of again.findings) if (f.category !== 'unprotected_position') failures.push(`second dry run: ${f.category} ${f.brokerOrderId ?? f.symbol ?? ''} ${JSON.stringify(f.details)}`);
  } catch (error) {
    failures.push(`threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await venues.closeAll();
  }
  return { seed, steps, failures };
}
