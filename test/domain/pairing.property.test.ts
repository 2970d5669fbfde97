import fc from 'fast-check';
import { expect, it } from 'vitest';
import { Decimal, LedgerBrokerIndex, type LedgerOrderView, lookupsNeeded, OrderJudge, pairWorkingOrders, reconcileOrders, type VenueOrderReport, WorkingPairing, workingOrdersOf } from '../../src/domain/index.js';

/**
 * The pairing of ledger working orders with venue open orders, against the rule as it was written
 * before it was made fast (two indexes of the venue's orders, last position wins): the venue order
 * with the ledger order's broker order id, else the last with its client order id; "named" when
 * either id names it. Ids are drawn from a few values so that clashes, duplicates at the venue,
 * client ids reused by another venue order and orders without ids all occur.
 */
function reference(ledger: readonly LedgerOrderView[], venue: readonly VenueOrderReport[]) {
  const byVenueId = new Map<string, number>();
  const byClientId = new Map<string, number>();
  venue.forEach((v, i) => {
    byVenueId.set(v.venueOrderId, i);
    if (v.clientOrderId !== null) byClientId.set(v.clientOrderId, i);
  });
  const named = new Uint8Array(venue.length);
  // Every listing of a venue order id but its last is a repeat.
  const repeated = venue.map((v, i) => (byVenueId.get(v.venueOrderId) === i ? 0 : 1));
  const venueAt = ledger.map((o) => {
    const byBroker = o.brokerOrderId === null ? undefined : byVenueId.get(o.brokerOrderId);
    const byClient = byClientId.get(o.clientOrderId);
    if (byBroker !== undefined) named[byBroker] = 1;
    if (byClient !== undefined) named[byClient] = 1;
    return byBroker ?? byClient ?? -1;
  });
  return { venueAt, named: [...named], repeated, listed: new Set(byVenueId.keys()) };
}

const ids = (prefix: string) => fc.integer({ min: 0, max: 5 }).map((n) => `${prefix}${n}`);

it('pairs ledger and venue orders exactly as the two-index rule did', () => {
  fc.assert(
    fc.property(
      // The ledger's ids are unique per account (the orders table's constraints): drawn as unique sets.
      fc.uniqueArray(fc.record({ client: ids('c'), broker: fc.option(ids('P'), { nil: null }) }), { selector: (o) => o.client, maxLength: 6 }),
      fc.array(fc.record({ venue: ids('P'), client: fc.option(ids('c'), { nil: null }) }), { maxLength: 8 }),
      fc.integer({ min: 1, max: 4 }),
      (ledgerIds, venueIds, pageSize) => {
        const seenBroker = new Set<string>();
        const ledger: LedgerOrderView[] = ledgerIds.map((o, i) => {
          const broker = o.broker !== null && !seenBroker.has(o.broker) ? o.broker : null;
          if (broker !== null) seenBroker.add(broker);
          return { id: `o${i}`, clientOrderId: o.client, brokerOrderId: broker, symbol: 'S', status: 'open', qtyFilled: new Decimal(0), updatedAt: '2026-01-01T00:00:00.000Z', sentBy: 'fillbook' };
        });
        const venue = venueIds.map((v) => ({ venueOrderId: v.venue, clientOrderId: v.client }) as VenueOrderReport);
        const want = reference(ledger, venue);
        const asked = ['P0', 'P1', 'P2', 'P3', 'P4', 'P5'];
        const pairs = pairWorkingOrders(workingOrdersOf(ledger), venue);
        expect([...pairs.venueAt]).toEqual(want.venueAt);
        expect([...pairs.named]).toEqual(want.named);
        expect([...pairs.repeated]).toEqual(want.repeated);
        expect([...pairs.listedOpen(asked)].sort()).toEqual(asked.filter((id) => want.listed.has(id)));
        // The ledger's index built page by page as the orders arrive (as the reconciler builds it) pairs the same.
        const index = new LedgerBrokerIndex();
        for (let upTo = 0; upTo < ledger.length; upTo += pageSize) index.add(workingOrdersOf(ledger.slice(0, upTo)));
        const paged = pairWorkingOrders(workingOrdersOf(ledger), venue, index);
        expect([...paged.venueAt]).toEqual(want.venueAt);
        expect([...paged.named]).toEqual(want.named);
        // The venue's orders paired page by page as they arrive (as the reconciler pairs a paged open list) pair the same.
        const pairing = new WorkingPairing(workingOrdersOf(ledger), index);
        for (let from = 0; from < venue.length; from += pageSize) pairing.add(venue.slice(from, from + pageSize));
        const byPage = pairing.finish();
        expect([pairing.venueCount, [...byPage.venueAt], [...byPage.named], [...byPage.repeated]]).toEqual([venue.length, want.venueAt, want.named, want.repeated]);
        expect([...byPage.listedOpen(asked)].sort()).toEqual(asked.filter((id) => want.listed.has(id)));
        const needed = lookupsNeeded(workingOrdersOf(ledger), venue, pairs);
        expect(needed.ledgerOrders.map((o) => o.id)).toEqual(ledger.filter((_, l) => want.venueAt[l] === -1).map((o) => o.id));
        expect(needed.venueOrders).toEqual(venue.filter((_, i) => want.named[i] === 0 && want.repeated[i] === 0));
      },
    ),
    { numRuns: 2_000 },
  );
});

/** `count` ledger working orders o0, o1, … with client ids c0, c1, … and broker ids P0, P1, …, every `withoutBrokerId`th without one. */
function workingLedger(count: number, withoutBrokerId: number): LedgerOrderView[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `o${i}`, clientOrderId: `c${i}`, brokerOrderId: i % withoutBrokerId === withoutBrokerId - 1 ? null : `P${i}`, symbol: 'S', status: 'open', qtyFilled: new Decimal(0), updatedAt: '2026-01-01T00:00:00.000Z', sentBy: 'fillbook',
  }));
}

/**
 * Pairs the venue's orders page by page and holds the pairs, and which ids are listed open (the
 * venue's and `alsoAsked`), to the two-index rule: once with the ledger read, and once with the
 * ledger read a page (of `pageSize` too) between the venue's pages, each added when `ready`.
 */
function expectPairedByPages(ledger: readonly LedgerOrderView[], venue: readonly VenueOrderReport[], pageSize: number, alsoAsked: readonly string[]): void {
  const want = reference(ledger, venue);
  const pairing = new WorkingPairing(workingOrdersOf(ledger));
  for (let from = 0; from < venue.length; from += pageSize) pairing.add(venue.slice(from, from + pageSize));
  const read: LedgerOrderView[] = [];
  const index = new LedgerBrokerIndex();
  const whileRead = new WorkingPairing(workingOrdersOf(read), index, { ledgerRead: false });
  const pages: VenueOrderReport[][] = [];
  for (let from = 0; from < venue.length; from += pageSize) pages.push(venue.slice(from, from + pageSize));
  while (read.length < ledger.length) {
    read.push(...ledger.slice(read.length, read.length + pageSize));
    index.add(workingOrdersOf(read));
    while (pages.length > 0 && whileRead.ready(pages[0]!.length)) whileRead.add(pages.shift()!);
  }
  whileRead.ledgerRead();
  for (const page of pages) whileRead.add(page);
  for (const pairs of [pairing.finish(), whileRead.finish()]) {
    expect([...pairs.venueAt]).toEqual(want.venueAt);
    expect([...pairs.named]).toEqual(want.named);
    expect([...pairs.repeated]).toEqual(want.repeated);
    expect([...pairs.listedOpen([...venue.map((v) => v.venueOrderId), ...alsoAsked])].sort()).toEqual([...want.listed].sort());
  }
}

it('pairs the same when the venue lists the orders in the ledger order, with some missing, added, repeated or swapped', () => {
  // The usual case, which the pairing answers by comparing each venue order with the ledger order
  // after the last pair before it looks in its index: the edits make that guess miss in every way.
  const edit = fc.constantFrom('keep', 'keep', 'keep', 'drop', 'foreign', 'repeat', 'swap', 'other client');
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 12 }), fc.array(edit, { minLength: 12, maxLength: 12 }), fc.integer({ min: 1, max: 5 }), (count, edits, pageSize) => {
      const ledger = workingLedger(count, 5);
      const venue: VenueOrderReport[] = [];
      ledger.forEach((o, i) => {
        const own = { venueOrderId: o.brokerOrderId ?? `P${i}`, clientOrderId: o.clientOrderId } as VenueOrderReport;
        switch (edits[i]) {
          case 'drop': return;
          case 'foreign': venue.push({ venueOrderId: `X${i}`, clientOrderId: null } as VenueOrderReport, own); return;
          case 'repeat': venue.push(own, own); return;
          case 'swap': venue.splice(Math.max(0, venue.length - 1), 0, own); return;
          case 'other client': venue.push({ ...own, clientOrderId: `c${(i + 1) % Math.max(1, count)}` }); return;
          default: venue.push(own);
        }
      });
      expectPairedByPages(ledger, venue, pageSize, [...ledger.map((o, i) => o.brokerOrderId ?? `P${i}`), 'P-none']);
    }),
    { numRuns: 2_000 },
  );
});

it('pairs the same when the venue lists an order twice far apart, beyond where its pair is looked for first', () => {
  // A listing read in pages can repeat an order at a page's edge: the first or the last listing is
  // then far from where the pairing expects it, and is found only in its last pass.
  fc.assert(
    fc.property(fc.integer({ min: 20, max: 60 }), fc.integer({ min: 0, max: 59 }), fc.boolean(), fc.integer({ min: 1, max: 25 }), (count, at, early, pageSize) => {
      const ledger = workingLedger(count, 7);
      const venue = ledger.map((o, i) => ({ venueOrderId: o.brokerOrderId ?? `Q${i}`, clientOrderId: o.clientOrderId }) as VenueOrderReport);
      const again = venue[at % count]!;
      if (early) venue.unshift(again);
      else venue.push(again);
      expectPairedByPages(ledger, venue, pageSize, ['P-none']);
    }),
    { numRuns: 300 },
  );
});

it('pairs the same when the venue lists many orders in another order (newest first, shuffled, some twice), past the point where every ledger id is indexed', () => {
  fc.assert(
    fc.property(fc.integer({ min: 60, max: 300 }), fc.constantFrom('reversed', 'shuffled', 'in order, then reversed'), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 50 }), (count, order, seed, pageSize) => {
      const ledger = workingLedger(count, 7);
      let state = seed;
      const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      let venue = ledger.filter(() => random() > 0.1).map((o, i) => ({ venueOrderId: o.brokerOrderId ?? `Q${i}`, clientOrderId: random() > 0.05 ? o.clientOrderId : null }) as VenueOrderReport);
      venue.push({ venueOrderId: 'X-only', clientOrderId: 'c3' } as VenueOrderReport);
      if (order === 'reversed') venue.reverse();
      else if (order === 'shuffled') venue.sort(() => random() - 0.5);
      else venue = [...venue.slice(0, 20), ...venue.slice(20).reverse()];
      // And some listed twice, anywhere (found again by the index of every ledger id).
      for (let n = Math.floor(random() * 4); n > 0; n--) venue.splice(Math.floor(random() * venue.length), 0, venue[Math.floor(random() * venue.length)]!);
      expectPairedByPages(ledger, venue, pageSize, ['P-none', `P${count}`]);
    }),
    { numRuns: 300 },
  );
});

it('pairs the same, and classifies the same, when the venue’s pages are paired and decided while the ledger is still read', () => {
  // The reconciler's way (readAndPair): ledger pages and venue pages arrive interleaved; a venue page
  // is added once `ready`, a pair that agrees (at a clock read before the pages) is decided then and
  // its report dropped. The pairs and the classification (at the later clock the run classifies by)
  // must be those of the whole lists paired at once and classified at that later clock.
  const early = { now: '2026-01-01T00:09:59.000Z', quietPeriodMs: 5_000, stuckAfterMs: 30_000 };
  const clock = { ...early, now: '2026-01-01T00:10:00.000Z' };
  const statuses = ['open', 'partially_filled', 'pending_cancel', 'submitted', 'pending_submit'] as const;
  const venueStatuses = ['open', 'partially_filled', 'canceled', 'filled'] as const;
  // Long ago; changed within the quiet period of both clocks; of the early clock only; past
  // stuck-after at the later clock only; and after the early clock (stamped during the reads).
  const times = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:09:58.000Z', '2026-01-01T00:09:54.500Z', '2026-01-01T00:09:29.500Z', '2026-01-01T00:09:59.500Z'];
  const ledgerOrder = fc.record({ client: ids('c'), broker: fc.option(ids('P'), { nil: null }), status: fc.constantFrom(...statuses), filled: fc.integer({ min: 0, max: 2 }), at: fc.constantFrom(...times) });
  const venueOrder = fc.record({ venue: ids('P'), client: fc.option(ids('c'), { nil: null }), status: fc.constantFrom(...venueStatuses), filled: fc.integer({ min: 0, max: 2 }), at: fc.constantFrom(...times) });
  fc.assert(
    fc.property(
      fc.uniqueArray(ledgerOrder, { selector: (o) => o.client, maxLength: 6 }),
      fc.array(venueOrder, { maxLength: 8 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
      fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
      (ledgerDrawn, venueDrawn, ledgerPage, venuePage, turns) => {
        const seenBroker = new Set<string>();
        const ledger: LedgerOrderView[] = ledgerDrawn.map((o, i) => {
          const broker = o.broker !== null && !seenBroker.has(o.broker) ? o.broker : null;
          if (broker !== null) seenBroker.add(broker);
          return { id: `o${i}`, clientOrderId: o.client, brokerOrderId: broker, symbol: 'S', status: o.status, qtyFilled: new Decimal(o.filled), updatedAt: o.at, sentBy: 'fillbook' };
        });
        const venue = venueDrawn.map(
          (v) => ({ venueOrderId: v.venue, clientOrderId: v.client, symbol: 'S', side: 'buy', quantity: new Decimal(2), status: v.status, filledQuantity: new Decimal(v.filled), updatedAt: v.at }) as VenueOrderReport,
        );
        const lookups = { venueLookups: new Map(), ledgerLookups: new Map(), accountId: 'a', ...clock };
        const whole = workingOrdersOf(ledger);
        const wholePairs = pairWorkingOrders(whole, venue);
        const want = reconcileOrders({ ledgerWorking: whole, venueOpen: venue, pairs: wholePairs, ...lookups });

        const read: LedgerOrderView[] = [];
        const working = workingOrdersOf(read);
        const index = new LedgerBrokerIndex();
        const pairing = new WorkingPairing(working, index, { ledgerRead: false, agrees: new OrderJudge(early).agrees });
        const pages: VenueOrderReport[][] = [];
        for (let from = 0; from < venue.length; from += venuePage) pages.push(venue.slice(from, from + venuePage));
        for (const ledgerTurn of turns) {
          if (ledgerTurn && read.length < ledger.length) {
            read.push(...ledger.slice(read.length, read.length + ledgerPage));
            index.add(working);
          }
          while (pages.length > 0 && pairing.ready(pages[0]!.length)) pairing.add(pages.shift()!);
        }
        read.push(...ledger.slice(read.length));
        index.add(working);
        pairing.ledgerRead();
        for (const page of pages) pairing.add(page);
        const pairs = pairing.finish();
        expect([[...pairs.venueAt], [...pairs.named], [...pairs.repeated]]).toEqual([[...wholePairs.venueAt], [...wholePairs.named], [...wholePairs.repeated]]);
        // A report is dropped only for a pair decided as agreeing (which the classification counts
        // matched), or one listed again further on; every agreeing pair's is dropped.
        pairing.venueOpen.forEach((v, i) => {
          if (v === undefined) expect([...pairs.agreedAt].includes(i) || pairs.repeated[i] === 1).toBe(true);
          else expect([...pairs.agreedAt].includes(i)).toBe(false);
        });
        for (const [l, at] of pairs.agreedAt.entries()) if (at !== -1) expect(pairs.venueAt[l]).toBe(at);
        const got = reconcileOrders({ ledgerWorking: working, venueOpen: pairing.venueOpen, pairs, ...lookups });
        expect(got).toEqual(want);
        expect(lookupsNeeded(working, pairing.venueOpen, pairs).venueOrders).toEqual(lookupsNeeded(whole, venue, wholePairs).venueOrders);
      },
    ),
    { numRuns: 3_000 },
  );
});
