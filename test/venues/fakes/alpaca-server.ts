import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { Decimal } from '../../../src/domain/index.js';

/**
 * An in-memory Alpaca (trading API v2) on 127.0.0.1, speaking its documented wire format: the REST
 * endpoints the adapter uses and the `/stream` websocket with `trade_updates` (binary frames, as
 * the paper host sends). Decimals are strings, as Alpaca writes them; `decimalsAsNumbers` writes
 * them as JSON numbers instead (Alpaca's activities reference allows either).
 *
 * Controls for the tests: fill an order, set any status (an unknown one too), answer the next
 * requests with an error (before or after doing the work, or by dropping the connection), drop the
 * stream, hold stream messages and release them out of order, replay them.
 */

export interface FakeAlpacaOptions {
  keyId?: string;
  secretKey?: string;
}

export interface FailureRule {
  /** How many matching requests to answer this way. */
  times: number;
  /** An HTTP status, or `drop` to close the connection without an answer. */
  status: number | 'drop';
  method?: string;
  /** The request path starts with this (query excluded). */
  path?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Do the work first, then fail the answer: the request's outcome is unknown to the client. */
  afterProcessing?: boolean;
}

interface FakeOrder {
  id: string;
  client_order_id: string;
  created_at: string;
  updated_at: string;
  submitted_at: string;
  filled_at: string | null;
  canceled_at: string | null;
  asset_id: string;
  symbol: string;
  asset_class: string;
  notional: null;
  qty: string;
  filled_qty: string;
  filled_avg_price: string | null;
  order_class: string;
  order_type: string;
  type: string;
  side: string;
  time_in_force: string;
  limit_price: string | null;
  stop_price: string | null;
  status: string;
  extended_hours: boolean;
  legs: null;
}

interface FakeActivity {
  id: string;
  activity_type: 'FILL';
  transaction_time: string;
  type: 'fill' | 'partial_fill';
  price: string;
  qty: string;
  side: string;
  symbol: string;
  leaves_qty: string;
  order_id: string;
  cum_qty: string;
  order_status: string;
}

const workingStatuses = new Set(['new', 'partially_filled', 'accepted', 'pending_new', 'accepted_for_bidding', 'held', 'stopped', 'calculated', 'done_for_day']);
const decimalKeys = ['qty', 'filled_qty', 'filled_avg_price', 'limit_price', 'stop_price', 'price', 'cum_qty', 'leaves_qty', 'position_qty'];
const decimalField = new RegExp(`"(${decimalKeys.join('|')})":"(-?\\d+(?:\\.\\d+)?)"`, 'g');

export class FakeAlpacaServer {
  readonly keyId: string;
  readonly secretKey: string;
  readonly orders = new Map<string, FakeOrder>();
  readonly activities: FakeActivity[] = [];
  /**
   * Orders served exactly as given, beside those the fake makes: the sample corpus's real payloads
   * (test/venues/samples/alpaca), so the fake serves what Alpaca serves. Listed by their own
   * `status` and `submitted_at`, looked up by `id` and `client_order_id`; never filled or canceled.
   */
  readonly rawOrders = new Map<string, Record<string, unknown>>();
  /**
   * Non-trade activities served by `GET /v2/account/activities?activity_types=…` exactly as given
   * (the sample corpus's fee activities), in the order given, which is Alpaca's ascending order.
   */
  readonly nonTradeActivities: Record<string, unknown>[] = [];
  /** Positions `GET /v2/positions` reports besides those the fills make, written as given. */
  readonly extraPositions: unknown[] = [];
  /** Every REST request, as `METHOD /path?query` (no headers: they hold the key). */
  readonly requests: string[] = [];
  /** Stream connections accepted, ever. */
  connections = 0;
  decimalsAsNumbers = false;
  private readonly rules: FailureRule[] = [];
  private readonly listening = new Set<WebSocket>();
  private held: string[] | null = null;
  private readonly sent: string[] = [];
  private lastStamp = '';
  private stampSeq = 0;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    options: FakeAlpacaOptions,
  ) {
    this.keyId = options.keyId ?? 'PKFAKEKEY';
    this.secretKey = options.secretKey ?? 'fake-secret-do-not-log';
  }

  static async start(options: FakeAlpacaOptions = {}): Promise<FakeAlpacaServer> {
    const wss = new WebSocketServer({ noServer: true });
    let fake: FakeAlpacaServer | undefined;
    const server = createServer((req, res) => {
      fake!.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 50010000, message: error instanceof Error ? error.message : String(error) }));
      });
    });
    fake = new FakeAlpacaServer(server, wss, options);
    server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://x').pathname !== '/stream') return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => fake!.accept(ws));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get streamUrl(): string {
    return `ws://127.0.0.1:${this.port}/stream`;
  }
  /** Clients authenticated and listening to `trade_updates` now. */
  get listeners(): number {
    return this.listening.size;
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- controls -------------------------------------------------------------------------------

  failNext(rule: FailureRule): void {
    this.rules.push({ ...rule });
  }

  /** Count of requests matching a method and path prefix. */
  count(method: string, pathPrefix: string): number {
    return this.requests.filter((r) => r.startsWith(`${method} ${pathPrefix}`)).length;
  }

  /** Executes (part of) an order, as the market would; `silent` drops its stream message. */
  fill(orderId: string, quantity: string, price: string, options: { silent?: boolean } = {}): FakeActivity {
    const order = this.mustOrder(orderId);
    if (!workingStatuses.has(order.status)) throw new Error(`fake alpaca: order ${orderId} is ${order.status}; it cannot fill`);
    const qty = new Decimal(quantity);
    const before = new Decimal(order.filled_qty);
    const cum = before.plus(qty);
    if (cum.gt(order.qty)) throw new Error(`fake alpaca: overfill of ${orderId}`);
    const notional = before.times(order.filled_avg_price ?? '0').plus(qty.times(price));
    const at = this.stamp();
    const done = cum.eq(order.qty);
    Object.assign(order, {
      filled_qty: cum.toFixed(),
      filled_avg_price: notional.div(cum).toDecimalPlaces(9).toFixed(),
      status: done ? 'filled' : 'partially_filled',
      updated_at: at,
      filled_at: done ? at : null,
    });
    const activity: FakeActivity = {
      id: `${at.replace(/\D/g, '').slice(0, 17)}::${randomUUID()}`,
      activity_type: 'FILL',
      transaction_time: at,
      type: done ? 'fill' : 'partial_fill',
      price: new Decimal(price).toFixed(),
      qty: qty.toFixed(),
      side: order.side,
      symbol: order.symbol,
      leaves_qty: new Decimal(order.qty).minus(cum).toFixed(),
      order_id: order.id,
      cum_qty: cum.toFixed(),
      order_status: order.status,
    };
    this.activities.push(activity);
    if (!options.silent) {
      this.publish({
        event: done ? 'fill' : 'partial_fill',
        execution_id: randomUUID(),
        timestamp: at,
        price: activity.price,
        qty: activity.qty,
        position_qty: this.netPosition(order.symbol).toFixed(),
        order: { ...order },
      });
    }
    return activity;
  }

  /** Sets any status, a made-up one too, and streams it under `event` (default: the status). */
  setStatus(orderId: string, status: string, options: { silent?: boolean; event?: string } = {}): void {
    const order = this.mustOrder(orderId);
    Object.assign(order, { status, updated_at: this.stamp() });
    if (!options.silent) this.publish({ event: options.event ?? status, timestamp: order.updated_at, order: { ...order } });
  }

  /** Cancels at the venue, as a person at the broker's screen would; `silent` drops its message. */
  cancel(orderId: string, options: { silent?: boolean } = {}): void {
    const order = this.mustOrder(orderId);
    const at = this.stamp();
    Object.assign(order, { status: 'canceled', updated_at: at, canceled_at: at });
    if (!options.silent) this.publish({ event: 'canceled', timestamp: at, order: { ...order } });
  }

  /** Terminates every stream connection, as a network fault would. */
  dropStreams(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }

  /** Holds stream messages until `release`. */
  holdStream(): void {
    this.held = [];
  }

  /** Sends the held messages, reversed or duplicated if asked. */
  releaseStream(options: { reverse?: boolean; duplicate?: boolean } = {}): void {
    let messages = this.held ?? [];
    this.held = null;
    if (options.reverse) messages = [...messages].reverse();
    for (const m of messages) {
      this.send(m);
      if (options.duplicate) this.send(m);
    }
  }

  /** Sends the last `n` stream messages again, as an at-least-once stream may. */
  replay(n = 1): void {
    for (const m of this.sent.slice(-n)) this.send(m);
  }

  /** Reports a position the fills did not make, its symbol as given ("ETHUSDT", "BTCXYZ"). */
  addPosition(symbol: string, assetClass: 'us_equity' | 'us_option' | 'crypto', qty: string): void {
    const net = new Decimal(qty);
    this.extraPositions.push({ asset_id: randomUUID(), symbol, exchange: assetClass === 'crypto' ? 'CRYPTO' : 'NASDAQ', asset_class: assetClass, qty: net.toFixed(), side: net.isNegative() ? 'short' : 'long', avg_entry_price: '0', market_value: '0' });
  }

  /** Sends any frame, e.g. `{stream:'trade_updates', data:{...}}`. */
  sendFrame(frame: unknown): void {
    this.send(JSON.stringify(frame));
  }

  /** Serves a sample payload as one of the account's orders. */
  addRawOrder(payload: Record<string, unknown>): void {
    this.rawOrders.set(String(payload.id), payload);
  }

  orderByClientId(clientOrderId: string): FakeOrder | undefined {
    return [...this.orders.values()].find((o) => o.client_order_id === clientOrderId);
  }

  // ---- REST -----------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    this.requests.push(`${method} ${url.pathname}${url.search}`);
    const body = await readBody(req);
    if (req.headers['apca-api-key-id'] !== this.keyId || req.headers['apca-api-secret-key'] !== this.secretKey) {
      return this.json(res, 401, { code: 40110000, message: 'request is not authorized' });
    }
    const rule = this.rules.find((r) => r.times > 0 && (r.method === undefined || r.method === method) && (r.path === undefined || url.pathname.startsWith(r.path)));
    if (rule !== undefined) {
      rule.times--;
      if (rule.afterProcessing) this.route(method, url, body);
      if (rule.status === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(rule.status, { 'content-type': 'application/json', ...rule.headers });
      res.end(JSON.stringify(rule.body ?? { code: rule.status * 100000, message: `fake failure ${rule.status}` }));
      return;
    }
    const answer = this.route(method, url, body);
    if (answer.status === 204) {
      res.writeHead(204);
      res.end();
      return;
    }
    this.json(res, answer.status, answer.body);
  }

  private route(method: string, url: URL, body: string): { status: number; body?: unknown } {
    const path = url.pathname;
    const q = url.searchParams;
    if (method === 'POST' && path === '/v2/orders') return this.create(body);
    if (method === 'GET' && path === '/v2/orders') return { status: 200, body: this.list(q) };
    if (method === 'GET' && path === '/v2/orders:by_client_order_id') {
      const clientOrderId = q.get('client_order_id') ?? '';
      const order = this.orderByClientId(clientOrderId) ?? [...this.rawOrders.values()].find((o) => o.client_order_id === clientOrderId);
      return order === undefined ? { status: 404, body: { code: 40410000, message: 'order not found' } } : { status: 200, body: order };
    }
    const byId = /^\/v2\/orders\/([^/]+)$/.exec(path);
    const raw = byId === null ? undefined : this.rawOrders.get(decodeURIComponent(byId[1]!));
    if (raw !== undefined && method === 'GET') return { status: 200, body: raw };
    if (byId !== null) {
      const order = this.orders.get(decodeURIComponent(byId[1]!));
      if (order === undefined) return { status: 404, body: { code: 40410000, message: 'order not found' } };
      if (method === 'GET') return { status: 200, body: order };
      if (method === 'DELETE') {
        if (!workingStatuses.has(order.status)) return { status: 422, body: { code: 42210000, message: `order is not cancelable (status ${order.status})` } };
        this.cancel(order.id);
        return { status: 204 };
      }
    }
    if (method === 'GET' && path === '/v2/account/activities/FILL') return { status: 200, body: this.fills(q) };
    if (method === 'GET' && path === '/v2/account/activities') return { status: 200, body: this.nonTrade(q) };
    if (method === 'GET' && path === '/v2/positions') return { status: 200, body: this.positions() };
    return { status: 404, body: { code: 40410000, message: `no route ${method} ${path}` } };
  }

  private create(text: string): { status: number; body: unknown } {
    const b = JSON.parse(text) as Record<string, string | undefined>;
    const invalid = (message: string) => ({ status: 422, body: { code: 40010001, message } });
    if (!b.symbol || !b.qty || !/^\d+(\.\d+)?$/.test(b.qty)) return invalid('qty is required');
    if (!['buy', 'sell'].includes(b.side ?? '')) return invalid('side must be buy or sell');
    if (!['market', 'limit', 'stop', 'stop_limit'].includes(b.type ?? '')) return invalid('invalid order type');
    if ((b.type === 'limit' || b.type === 'stop_limit') && !b.limit_price) return invalid('limit_price is required');
    const clientOrderId = b.client_order_id ?? randomUUID();
    if (this.orderByClientId(clientOrderId) !== undefined) return invalid('client_order_id must be unique');
    const at = this.stamp();
    const order: FakeOrder = {
      id: randomUUID(),
      client_order_id: clientOrderId,
      created_at: at,
      updated_at: at,
      submitted_at: at,
      filled_at: null,
      canceled_at: null,
      asset_id: randomUUID(),
      symbol: b.symbol,
      asset_class: b.symbol.includes('/') ? 'crypto' : 'us_equity',
      notional: null,
      qty: new Decimal(b.qty).toFixed(),
      filled_qty: '0',
      filled_avg_price: null,
      order_class: 'simple',
      order_type: b.type!,
      type: b.type!,
      side: b.side!,
      time_in_force: b.time_in_force ?? 'day',
      limit_price: b.limit_price ?? null,
      stop_price: b.stop_price ?? null,
      status: 'new',
      extended_hours: false,
      legs: null,
    };
    this.orders.set(order.id, order);
    this.publish({ event: 'new', timestamp: at, order: { ...order } });
    return { status: 200, body: order };
  }

  private list(q: URLSearchParams): { status: string; submitted_at: string }[] {
    const status = q.get('status') ?? 'open';
    const limit = Number(q.get('limit') ?? 50);
    const after = q.get('after');
    const raws = [...this.rawOrders.values()] as unknown as { status: string; submitted_at: string }[];
    let orders = [...this.orders.values(), ...raws].filter((o) => status === 'all' || (status === 'open') === workingStatuses.has(o.status));
    // Alpaca compares instants, not strings ("…00.123Z" is before "…00.123000001Z").
    if (after !== null) orders = orders.filter((o) => instant(o.submitted_at) > instant(after));
    orders.sort((a, b) => (instant(a.submitted_at) < instant(b.submitted_at) ? -1 : 1));
    if (q.get('direction') !== 'asc') orders.reverse();
    return orders.slice(0, limit);
  }

  private fills(q: URLSearchParams): FakeActivity[] {
    const after = q.get('after');
    const pageSize = Math.min(100, Number(q.get('page_size') ?? 100));
    const token = q.get('page_token');
    let list = this.activities.filter((a) => after === null || Date.parse(a.transaction_time) > Date.parse(after));
    if (q.get('direction') !== 'asc') list = [...list].reverse();
    if (token !== null) list = list.slice(list.findIndex((a) => a.id === token) + 1);
    return list.slice(0, pageSize);
  }

  /** Non-trade activities of the asked types after `after` (by their day), paged by `page_token` as Alpaca pages. */
  private nonTrade(q: URLSearchParams): Record<string, unknown>[] {
    const types = new Set((q.get('activity_types') ?? '').split(',').filter((t) => t !== ''));
    const after = q.get('after');
    const pageSize = Math.min(100, Number(q.get('page_size') ?? 100));
    const token = q.get('page_token');
    const day = (a: Record<string, unknown>) => String(a.date ?? a.created_at ?? '').slice(0, 10);
    let list = this.nonTradeActivities.filter((a) => (types.size === 0 || types.has(String(a.activity_type))) && (after === null || day(a) >= after.slice(0, 10)));
    if (q.get('direction') !== 'asc') list = [...list].reverse();
    if (token !== null) list = list.slice(list.findIndex((a) => a.id === token) + 1);
    return list.slice(0, pageSize);
  }

  /** As Alpaca writes them: a crypto pair's symbol loses its slash ("BTC/USD" is "BTCUSD"). */
  private positions(): unknown[] {
    const symbols = [...new Set(this.activities.map((a) => a.symbol))].sort();
    const made = symbols.flatMap((symbol) => {
      const net = this.netPosition(symbol);
      if (net.isZero()) return [];
      const crypto = symbol.includes('/');
      return [{ asset_id: randomUUID(), symbol: crypto ? symbol.replace('/', '') : symbol, exchange: crypto ? 'CRYPTO' : 'NASDAQ', asset_class: crypto ? 'crypto' : 'us_equity', qty: net.toFixed(), side: net.isNegative() ? 'short' : 'long', avg_entry_price: '0', market_value: '0' }];
    });
    return [...made, ...this.extraPositions];
  }

  private netPosition(symbol: string): Decimal {
    return this.activities.filter((a) => a.symbol === symbol).reduce((sum, a) => (a.side === 'buy' ? sum.plus(a.qty) : sum.minus(a.qty)), new Decimal(0));
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    const reset = Math.ceil(Date.now() / 60_000) * 60;
    res.writeHead(status, { 'content-type': 'application/json', 'x-ratelimit-limit': '200', 'x-ratelimit-remaining': '199', 'x-ratelimit-reset': String(reset) });
    res.end(this.wire(body));
  }

  private wire(body: unknown): string {
    const text = JSON.stringify(body);
    return this.decimalsAsNumbers ? text.replace(decimalField, '"$1":$2') : text;
  }

  // ---- stream ---------------------------------------------------------------------------------

  private accept(ws: WebSocket): void {
    this.connections++;
    let authorized = false;
    ws.on('message', (data: Buffer) => {
      let m: { action?: string; data?: { key_id?: string; secret_key?: string; streams?: string[] }; key?: string; secret?: string };
      try {
        m = JSON.parse(data.toString('utf8'));
      } catch {
        return ws.send(Buffer.from(JSON.stringify({ stream: 'authorization', data: { status: 'unauthorized', message: 'invalid syntax' } })));
      }
      if (m.action === 'authenticate' || m.action === 'auth') {
        authorized = (m.data?.key_id ?? m.key) === this.keyId && (m.data?.secret_key ?? m.secret) === this.secretKey;
        ws.send(Buffer.from(JSON.stringify({ stream: 'authorization', data: { action: 'authenticate', status: authorized ? 'authorized' : 'unauthorized', ...(authorized ? {} : { message: 'access key verification failed' }) } })));
      } else if (m.action === 'listen' && authorized) {
        const streams = (m.data?.streams ?? []).filter((s) => s === 'trade_updates');
        if (streams.length > 0) this.listening.add(ws);
        else this.listening.delete(ws);
        ws.send(Buffer.from(JSON.stringify({ stream: 'listening', data: { streams } })));
      }
    });
    ws.on('close', () => this.listening.delete(ws));
  }

  private publish(data: unknown): void {
    const message = this.wire({ stream: 'trade_updates', data });
    if (this.held !== null) this.held.push(message);
    else this.send(message);
  }

  private send(message: string): void {
    this.sent.push(message);
    if (this.sent.length > 1000) this.sent.shift();
    for (const ws of this.listening) if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.from(message));
  }

  // ---- helpers --------------------------------------------------------------------------------

  private mustOrder(orderId: string): FakeOrder {
    const order = this.orders.get(orderId);
    if (order === undefined) throw new Error(`fake alpaca: no order ${orderId}`);
    return order;
  }

  /** Timestamps with nanoseconds that strictly increase, as Alpaca's do. */
  private stamp(): string {
    const ms = new Date().toISOString().slice(0, 23);
    this.stampSeq = ms === this.lastStamp ? this.stampSeq + 1 : 0;
    this.lastStamp = ms;
    return `${ms}${String(this.stampSeq).padStart(6, '0')}Z`;
  }
}

/** An RFC 3339 instant as a key that sorts as instants do, to the nanosecond. */
function instant(at: string): string {
  const m = /^(.{19})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/.exec(at);
  if (m === null) return at;
  return `${new Date(`${m[1]}${m[3]}`).toISOString().slice(0, 19)}.${(m[2] ?? '').padEnd(9, '0')}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
