import { afterAll, beforeAll, expect, it } from 'vitest';
import { keepUnparsedItem, listUnparsedItems, unparsedItemFindings } from '../../src/service/index.js';
import { unparsedPayloadBytesMax } from '../../src/storage/index.js';
import { describeEachEngine } from '../support/backends.js';
import { type Client, httpHarness } from '../support/http.js';
import { sample } from '../venues/samples/load.js';

/** Unparsed venue items: kept once per distinct item, listed newest first, reported, counted. */
describeEachEngine('unparsed venue items', (h) => {
  let harness: Awaited<ReturnType<typeof httpHarness>>;
  let alice: Client;
  let bob: Client;
  beforeAll(async () => {
    harness = await httpHarness(h().ledger);
    ({ alice, bob } = harness);
  });
  afterAll(async () => harness.close());

  const account = async (client: Client) => {
    const res = await client.post('/v1/accounts', { name: 'main', venue: 'manual' });
    expect(res.statusCode).toBe(201);
    return (res.json() as { id: string }).id;
  };
  const odd = { ...(sample('alpaca', 'order-trailing-stop.json') as Record<string, unknown>), status: 'teleported' };

  it('keeps one row per distinct item, counting sightings and keeping the newest payload and reason', async () => {
    const accountId = await account(alice);
    const db = h().db;
    await keepUnparsedItem(db, accountId, 'alpaca', { kind: 'order', venueItemId: 'o-1', payload: odd, reason: 'unknown order status "teleported"' }, '2026-12-01T10:00:00.000Z');
    await keepUnparsedItem(db, accountId, 'alpaca', { kind: 'order', venueItemId: 'o-1', payload: { ...odd, status: 'teleported_again' }, reason: 'unknown order status "teleported_again"' }, '2026-12-01T10:05:00.000Z');
    // Without an id, the payload names the item: the same payload twice is one item.
    for (const at of ['2026-12-01T10:01:00.000Z', '2026-12-01T10:02:00.000Z']) await keepUnparsedItem(db, accountId, 'alpaca', { kind: 'position', venueItemId: null, payload: { symbol: 'BTCXYZ' }, reason: 'no quote' }, at);
    const page = await listUnparsedItems(db, accountId, 10);
    expect(page.items.map((i) => [i.kind, i.venueItemId, i.timesSeen, i.firstSeenAt, i.lastSeenAt])).toEqual([
      ['order', 'o-1', 2, '2026-12-01T10:00:00.000Z', '2026-12-01T10:05:00.000Z'],
      ['position', null, 2, '2026-12-01T10:01:00.000Z', '2026-12-01T10:02:00.000Z'],
    ]);
    expect([(page.items[0]!.payload as { status: string }).status, page.items[0]!.reason]).toEqual(['teleported_again', 'unknown order status "teleported_again"']);
    // The payload comes back as stored: the sample's decimals are exact strings.
    expect((page.items[0]!.payload as { trail_percent: string }).trail_percent).toBe('1.0');
  });

  it('pages newest first with a cursor, truncates an oversized payload, and reports recent items as findings', async () => {
    const accountId = await account(alice);
    const db = h().db;
    for (let i = 0; i < 5; i++) await keepUnparsedItem(db, accountId, 'tradier', { kind: 'order', venueItemId: String(1000 + i), payload: { i }, reason: 'class "oto"' }, `2026-12-01T10:0${i}:00.000Z`);
    const first = await listUnparsedItems(db, accountId, 2);
    const second = await listUnparsedItems(db, accountId, 2, first.cursor);
    const third = await listUnparsedItems(db, accountId, 2, second.cursor);
    expect([first, second, third].map((p) => p.items.map((i) => i.venueItemId))).toEqual([['1004', '1003'], ['1002', '1001'], ['1000']]);
    expect(third.cursor).toBeNull();
    await keepUnparsedItem(db, accountId, 'tradier', { kind: 'fill', venueItemId: 'big', payload: { text: 'x'.repeat(unparsedPayloadBytesMax) }, reason: 'too big' }, '2026-12-01T09:00:00.000Z');
    const big = (await listUnparsedItems(db, accountId, 10)).items.find((i) => i.venueItemId === 'big')!;
    expect(big.payload).toMatchObject({ fillbook_truncated: true });
    const findings = await unparsedItemFindings(db, accountId, new Date('2026-12-01T10:10:00.000Z'), 30 * 60_000);
    expect(findings.map((f) => [f.category, f.brokerOrderId, f.repairs.length])).toEqual([
      ['unparsed_venue_item', '1004', 0],
      ['unparsed_venue_item', '1003', 0],
      ['unparsed_venue_item', '1002', 0],
      ['unparsed_venue_item', '1001', 0],
      ['unparsed_venue_item', '1000', 0],
    ]);
    expect(findings[0]!.details).toMatchObject({ venue: 'tradier', kind: 'order', reason: 'class "oto"', times_seen: 1 });
  });

  it('GET /v1/venue-items shows an account\'s raw items to its owner only, and /metrics counts them by venue and kind', async () => {
    const accountId = await account(alice);
    await keepUnparsedItem(h().db, accountId, 'tastytrade', { kind: 'order', venueItemId: '81234', payload: { id: 81234, status: 'Teleported' }, reason: 'unknown order status "Teleported"' }, new Date().toISOString());
    const res = await alice.get(`/v1/venue-items?account_id=${accountId}&limit=10`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { data: { venue: string; kind: string; venue_item_id: string; payload: unknown; times_seen: number }[]; next_cursor: string | null };
    expect(body.data.map((i) => [i.venue, i.kind, i.venue_item_id, i.times_seen])).toEqual([['tastytrade', 'order', '81234', 1]]);
    expect(body.data[0]!.payload).toEqual({ id: 81234, status: 'Teleported' });
    expect((await bob.get(`/v1/venue-items?account_id=${accountId}`)).statusCode).toBe(404);
    expect((await alice.get(`/v1/venue-items?account_id=${accountId}&cursor=nonsense`)).statusCode).toBe(422);
    const metrics = await harness.server.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/fillbook_venue_unparsed_items\{venue="tastytrade",kind="order"\} [1-9]/);
  });
});
