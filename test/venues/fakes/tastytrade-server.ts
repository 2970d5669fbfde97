import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Decimal } from 'decimal.js';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * An in-memory tastytrade on 127.0.0.1 speaking the documented wire format: dasherized JSON in
 * `{"data":...}` envelopes, OAuth2 logins (`POST /oauth/token`; the decommissioned `POST /sessions` answers 410), a
 * required `User-Agent: product/version`, orders with `legs[].fills[]`, and the account streamer
 * (`connect`/`heartbeat` actions, `{"type":"Order","data":{...}}` notifications carrying the
 * whole order each time). Test controls make it fill, resend, reorder, drop and fail.
 */

type Json = Record<string, unknown>;

interface FakeOrder {
  json: Json;
  /** Every state the order has been in, oldest first, for out-of-order replays. */
  history: Json[];
}

export interface FailRule {
  /** Answer with this HTTP status (429, 500, 503...). */
  status?: number;
  /** Close the connection without answering. */
  drop?: boolean;
  /** Carry the request out first, then fail: the caller cannot tell it worked. */
  afterProcessing?: boolean;
  method?: string;
  path?: RegExp;
}

export interface FakeTastytradeOptions {
  accountNumber?: string;
  clientSecret?: string;
  refreshToken?: string;
  /** Lifetime of issued access tokens, seconds. */
  tokenLifetimeS?: number;
}

export class FakeTastytrade {
  readonly accountNumber: string;
  apiBaseUrl = '';
  streamerUrl = '';
  /** Every HTTP request received, for assertions. */
  readonly requests: { method: string; path: string }[] = [];
  /** Items `orders/live` serves verbatim beside the fake's own orders: the sample corpus's payloads (test/venues/samples/tastytrade). */
  readonly rawLiveItems: unknown[] = [];
  /** The account's transactions, oldest first, served verbatim by `GET /accounts/{n}/transactions` (the sample corpus's). */
  readonly transactions: Record<string, unknown>[] = [];
  /** Every streamer message pushed, as sent. */
  readonly pushed: string[] = [];
  readonly orders = new Map<string, FakeOrder>();
  private readonly tokens = new Map<string, number>();
  private readonly failures: (FailRule & { remaining: number })[] = [];
  private readonly subscribers = new Set<WebSocket>();
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private nextOrderId = 81_000;
  private nextFill = 1;
  private lastUpdatedAt = 0;
  private readonly options: Required<FakeTastytradeOptions>;

  private constructor(options: FakeTastytradeOptions) {
    this.options = {
      accountNumber: options.accountNumber ?? '5WT00001',
      clientSecret: options.clientSecret ?? 'fake-client-secret',
      refreshToken: options.refreshToken ?? 'fake-refresh-token',
      tokenLifetimeS: options.tokenLifetimeS ?? 900,
    };
    this.accountNumber = this.options.accountNumber;
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => this.handle(req, res, body));
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/streamer' });
    this.wss.on('connection', (socket) => this.streamerConnection(socket));
  }

  static async start(options: FakeTastytradeOptions = {}): Promise<FakeTastytrade> {
    const fake = new FakeTastytrade(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const { port } = fake.server.address() as AddressInfo;
    fake.apiBaseUrl = `http://127.0.0.1:${port}`;
    fake.streamerUrl = `ws://127.0.0.1:${port}/streamer`;
    return fake;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- test controls ---------------------------------------------------------------------------

  /** The next `count` requests matching the rule fail as it says. */
  failNext(count: number, rule: FailRule): void {
    this.failures.push({ ...rule, remaining: count });
  }

  /**
   * Fills (part of) one leg (the first unless `leg`, 1-based, says otherwise), as the market
   * would; the order is Filled once every leg is. Pushes the whole order unless `silent`.
   */
  fill(orderId: string, quantity: string, price: string, options: { silent?: boolean; leg?: number } = {}): Json {
    const order = this.mustGet(orderId);
    const legs = order.json.legs as Json[];
    const leg = legs[(options.leg ?? 1) - 1];
    if (leg === undefined) throw new Error(`fake tastytrade: order ${orderId} has no leg ${options.leg}`);
    const remaining = new Decimal(String(leg['remaining-quantity']));
    if (new Decimal(quantity).gt(remaining)) throw new Error(`fake tastytrade: order ${orderId} has ${remaining.toFixed()} left`);
    const fill = {
      'fill-id': `1_TW::FAKE${orderId}::${String(this.nextFill++).padStart(6, '0')}`,
      quantity: jsonQuantity(quantity),
      'fill-price': price,
      'filled-at': new Date().toISOString(),
      'destination-venue': 'FAKE_A',
      'ext-group-fill-id': '0',
      'ext-exec-id': '0',
    };
    (leg.fills as Json[]).push(fill);
    leg['remaining-quantity'] = jsonQuantity(remaining.minus(quantity).toFixed());
    const done = legs.every((l) => new Decimal(String(l['remaining-quantity'])).isZero());
    this.change(order, { status: done ? 'Filled' : 'Live', ...(done ? { 'terminal-at': new Date().toISOString(), cancellable: false } : {}) }, options.silent);
    return fill;
  }

  /** Pushes the order's current state again, as tastytrade does on every update. */
  resend(orderId: string): void {
    this.push(this.mustGet(orderId).json);
  }

  /** Pushes an older state of the order (out-of-order delivery); `stepsBack` 1 is the state before the current one. */
  pushStale(orderId: string, stepsBack = 1): void {
    const order = this.mustGet(orderId);
    const snapshot = order.history[order.history.length - 1 - stepsBack];
    if (snapshot === undefined) throw new Error(`fake tastytrade: order ${orderId} has no state ${stepsBack} back`);
    this.push(snapshot);
  }

  /** Sets a raw status, known to tastytrade or not. */
  setRawStatus(orderId: string, status: string, options: { silent?: boolean } = {}): void {
    this.change(this.mustGet(orderId), { status }, options.silent);
  }

  /** Drops every streamer connection, as a network blip would. */
  dropStreams(): void {
    for (const socket of this.subscribers) socket.terminate();
    this.subscribers.clear();
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Orders whose external identifier is the given one (duplicates show up here). */
  ordersWithExternalId(id: string): Json[] {
    return [...this.orders.values()].filter((o) => o.json['external-identifier'] === id).map((o) => o.json);
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname + url.search });
    const rule = this.failures.find((f) => f.remaining > 0 && (f.method === undefined || f.method === method) && (f.path === undefined || f.path.test(url.pathname)));
    if (rule !== undefined) rule.remaining--;
    const fail = () => {
      if (rule?.drop) res.socket?.destroy();
      else send(res, rule!.status ?? 500, { error: { code: 'fake_failure', message: `injected HTTP ${rule!.status ?? 500}` } });
    };
    if (rule !== undefined && !rule.afterProcessing) return fail();
    let status: number;
    let answer: unknown;
    try {
      [status, answer] = this.route(method, url, req.headers, body);
    } catch (error) {
      [status, answer] = [400, { error: { code: 'bad_request', message: (error as Error).message } }];
    }
    if (rule !== undefined) return fail();
    send(res, status, answer);
  }

  private route(method: string, url: URL, headers: http.IncomingHttpHeaders, body: string): [number, unknown] {
    const path = url.pathname;
    if (!/^[^/\s]+\/[^/\s]+$/.test(headers['user-agent'] ?? '')) return [401, { error: { code: 'invalid_user_agent', message: 'User-Agent must be <product>/<version>' } }];
    if (method === 'POST' && path === '/oauth/token') return this.oauth(JSON.parse(body || '{}') as Json);
    // The password login was decommissioned (2026-02-11): tastytrade answers it as a route it no longer has.
    if (method === 'POST' && path === '/sessions') return [410, { error: { code: 'gone', message: 'username/password login has been decommissioned; use OAuth2' } }];
    const token = headers.authorization?.replace(/^Bearer /, '');
    if (token === undefined || (this.tokens.get(token) ?? 0) < Date.now()) return [401, { error: { code: 'token_invalid', message: 'This token is invalid or has expired' } }];
    const account = path.match(/^\/accounts\/([^/]+)(\/.*)$/);
    if (account === null) return [404, { error: { code: 'not_found', message: `no route ${path}` } }];
    if (account[1] !== this.accountNumber) return [403, { error: { code: 'forbidden', message: 'not your account' } }];
    const rest = account[2]!;
    const context = path;
    if (method === 'POST' && rest === '/orders') return this.placeOrder(JSON.parse(body) as Json, context);
    if (method === 'GET' && rest === '/orders/live') return [200, { data: { items: [...[...this.orders.values()].map((o) => o.json), ...this.rawLiveItems] }, context }];
    if (method === 'GET' && rest === '/orders') return this.searchOrders(url, context);
    if (method === 'GET' && rest === '/positions') return [200, { data: { items: this.positions() }, context }];
    if (method === 'GET' && rest === '/transactions') return this.listTransactions(url, context);
    const one = rest.match(/^\/orders\/(\d+)$/);
    if (one !== null) {
      const order = this.orders.get(one[1]!);
      if (order === undefined) return [404, { error: { code: 'record_not_found', message: `Order ${one[1]} not found` } }];
      if (method === 'GET') return [200, { data: order.json, context }];
      if (method === 'DELETE') return this.cancel(order, context);
    }
    return [404, { error: { code: 'not_found', message: `no route ${method} ${path}` } }];
  }

  /** Transactions from `start-date` on, ascending (`sort=Asc`) or not, a `per-page` page at `page-offset`, with tastytrade's pagination block. */
  private listTransactions(url: URL, context: string): [number, unknown] {
    const q = url.searchParams;
    const start = q.get('start-date');
    const perPage = Math.min(2000, Number(q.get('per-page') ?? 250));
    const offset = Number(q.get('page-offset') ?? 0);
    let items = this.transactions.filter((t) => start === null || String(t['transaction-date'] ?? '') >= start);
    if (q.get('sort') !== 'Asc') items = [...items].reverse();
    const page = items.slice(offset * perPage, (offset + 1) * perPage);
    const pagination = { 'per-page': perPage, 'page-offset': offset, 'item-offset': offset * perPage, 'total-items': items.length, 'total-pages': Math.ceil(items.length / perPage), 'current-item-count': page.length, 'previous-link': null, 'next-link': null, 'paging-link-template': null };
    return [200, { data: { items: page }, context, pagination }];
  }

  private oauth(body: Json): [number, unknown] {
    if (body.grant_type !== 'refresh_token' || body.refresh_token !== this.options.refreshToken || body.client_secret !== this.options.clientSecret) {
      return [401, { error: 'invalid_grant', error_description: 'refresh token or client secret is wrong' }];
    }
    return [200, { access_token: this.issueToken(), token_type: 'Bearer', expires_in: this.options.tokenLifetimeS }];
  }

  private issueToken(): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, Date.now() + this.options.tokenLifetimeS * 1000);
    return token;
  }

  private placeOrder(body: Json, context: string): [number, unknown] {
    const legs = body.legs as Json[] | undefined;
    const bad = (message: string): [number, unknown] => [400, { error: { code: 'validation_error', message, errors: [{ code: 'invalid', message }] } }];
    if (!Array.isArray(legs) || legs.length === 0 || legs.length > 4) return bad('legs must hold 1 to 4 legs');
    for (const [i, leg] of legs.entries()) {
      if (typeof leg.symbol !== 'string' || typeof leg.action !== 'string' || typeof leg['instrument-type'] !== 'string') return bad(`legs[${i}] needs instrument-type, symbol, quantity and action`);
      if (!['Buy to Open', 'Buy to Close', 'Sell to Open', 'Sell to Close', 'Buy', 'Sell'].includes(leg.action)) return bad(`legs[${i}].action is invalid`);
      const quantity = String(leg.quantity);
      if (!/^\d+(\.\d+)?$/.test(quantity) || new Decimal(quantity).lte(0)) return bad('quantity must be positive');
    }
    if (new Set(legs.map((l) => l.symbol)).size !== legs.length) return bad('legs must trade distinct symbols');
    if (!['Day', 'GTC', 'IOC', 'GTD', 'Ext', 'GTC Ext'].includes(body['time-in-force'] as string)) return bad('time-in-force is invalid');
    if (!['Limit', 'Market', 'Stop', 'Stop Limit'].includes(body['order-type'] as string)) return bad('order-type is invalid');
    if ((body['order-type'] === 'Limit' || body['order-type'] === 'Stop Limit') && (body.price === undefined || !['Debit', 'Credit'].includes(body['price-effect'] as string))) return bad('price and price-effect are required');
    const first = legs[0]!;
    // A spread's size is its number of units: the greatest common divisor of whole leg quantities.
    const quantities = legs.map((l) => new Decimal(String(l.quantity)));
    const size = legs.length === 1 ? quantities[0]!.toFixed() : quantities.reduce((a, b) => gcd(a, b)).toFixed();
    const id = String(this.nextOrderId++);
    const now = new Date().toISOString();
    const json: Json = {
      id: Number(id),
      'account-number': this.accountNumber,
      'time-in-force': body['time-in-force'],
      'order-type': body['order-type'],
      size,
      'underlying-symbol': legs.length === 1 ? first.symbol : (first.symbol as string).split(' ')[0],
      'underlying-instrument-type': legs.length === 1 ? first['instrument-type'] : 'Equity',
      ...(body.price !== undefined ? { price: String(body.price), 'price-effect': body['price-effect'] } : {}),
      ...(body['stop-trigger'] !== undefined ? { 'stop-trigger': String(body['stop-trigger']) } : {}),
      status: 'Routed',
      cancellable: true,
      editable: true,
      edited: false,
      ...(body['external-identifier'] !== undefined ? { 'external-identifier': body['external-identifier'] } : {}),
      'received-at': now,
      'updated-at': this.tick(),
      legs: legs.map((l) => ({ 'instrument-type': l['instrument-type'], symbol: l.symbol, quantity: jsonQuantity(String(l.quantity)), 'remaining-quantity': jsonQuantity(String(l.quantity)), action: l.action, fills: [] })),
    };
    const order: FakeOrder = { json, history: [structuredClone(json)] };
    this.orders.set(id, order);
    this.push(json);
    // The exchange acknowledges a moment later: Routed, then Live.
    setImmediate(() => {
      if (json.status === 'Routed') this.change(order, { status: 'Live' });
    });
    return [201, { data: { order: json, warnings: [], 'buying-power-effect': { 'change-in-buying-power': '0', effect: 'None' } }, context }];
  }

  private searchOrders(url: URL, context: string): [number, unknown] {
    const startDate = url.searchParams.get('start-date');
    const perPage = Math.min(Number(url.searchParams.get('per-page') ?? 10), 250);
    const offset = Number(url.searchParams.get('page-offset') ?? 0);
    const desc = url.searchParams.get('sort') !== 'Asc';
    let all = [...this.orders.values()].map((o) => o.json).filter((o) => startDate === null || (o['received-at'] as string).slice(0, 10) >= startDate);
    all = all.sort((a, b) => (a.id as number) - (b.id as number));
    if (desc) all.reverse();
    const items = all.slice(offset * perPage, offset * perPage + perPage);
    const totalPages = Math.ceil(all.length / perPage);
    return [200, { data: { items }, context, pagination: { 'per-page': perPage, 'page-offset': offset, 'item-offset': offset * perPage, 'total-items': all.length, 'total-pages': totalPages, 'current-item-count': items.length } }];
  }

  private cancel(order: FakeOrder, context: string): [number, unknown] {
    if (!['Live', 'Received', 'Routed'].includes(order.json.status as string)) return [422, { error: { code: 'order_not_cancellable', message: `Order is ${order.json.status as string} and cannot be cancelled` } }];
    this.change(order, { status: 'Cancel Requested' });
    const answer = structuredClone(order.json);
    setImmediate(() => this.change(order, { status: 'Cancelled', cancellable: false, 'terminal-at': new Date().toISOString(), 'cancelled-at': new Date().toISOString() }));
    return [200, { data: answer, context }];
  }

  private positions(): Json[] {
    const net = new Map<string, { type: string; net: Decimal }>();
    for (const order of this.orders.values()) {
      for (const leg of order.json.legs as Json[]) {
        const sign = (leg.action as string).startsWith('Buy') ? 1 : -1;
        for (const fill of leg.fills as Json[]) {
          const held = net.get(leg.symbol as string) ?? { type: leg['instrument-type'] as string, net: new Decimal(0) };
          held.net = held.net.plus(new Decimal(String(fill.quantity)).times(sign));
          net.set(leg.symbol as string, held);
        }
      }
    }
    return [...net.entries()].map(([symbol, p]) => ({
      'account-number': this.accountNumber,
      symbol,
      'instrument-type': p.type,
      'underlying-symbol': symbol,
      quantity: p.net.abs().toFixed(),
      'quantity-direction': p.net.isZero() ? 'Zero' : p.net.gt(0) ? 'Long' : 'Short',
    }));
  }

  private change(order: FakeOrder, fields: Json, silent = false): void {
    Object.assign(order.json, fields, { 'updated-at': this.tick() });
    order.history.push(structuredClone(order.json));
    if (!silent) this.push(order.json);
  }

  private tick(): number {
    this.lastUpdatedAt = Math.max(Date.now(), this.lastUpdatedAt + 1);
    return this.lastUpdatedAt;
  }

  private mustGet(orderId: string): FakeOrder {
    const order = this.orders.get(orderId);
    if (order === undefined) throw new Error(`fake tastytrade: no order ${orderId}`);
    return order;
  }

  // ---- account streamer ------------------------------------------------------------------------

  private streamerConnection(socket: WebSocket): void {
    socket.on('message', (data) => {
      let message: Json;
      try {
        message = JSON.parse(data.toString()) as Json;
      } catch {
        return;
      }
      const requestId = message['request-id'];
      const token = String(message['auth-token'] ?? '').replace(/^Bearer /, '');
      if ((this.tokens.get(token) ?? 0) < Date.now()) {
        socket.send(JSON.stringify({ status: 'error', action: message.action, message: 'invalid auth token', 'request-id': requestId }));
        return;
      }
      if (message.action === 'connect') {
        const accounts = Array.isArray(message.value) ? message.value : [message.value];
        if (!accounts.includes(this.accountNumber)) {
          socket.send(JSON.stringify({ status: 'error', action: 'connect', message: 'unknown account', 'request-id': requestId }));
          return;
        }
        this.subscribers.add(socket);
        socket.send(JSON.stringify({ status: 'ok', action: 'connect', 'web-socket-session-id': 'fake-session', value: accounts, 'request-id': requestId }));
      } else if (message.action === 'heartbeat') {
        socket.send(JSON.stringify({ status: 'ok', action: 'heartbeat', 'web-socket-session-id': 'fake-session', 'request-id': requestId }));
      }
    });
    socket.on('close', () => this.subscribers.delete(socket));
    socket.on('error', () => {});
  }

  private push(order: Json): void {
    const message = JSON.stringify({ type: 'Order', data: order, timestamp: Date.now() });
    this.pushed.push(message);
    for (const socket of this.subscribers) if (socket.readyState === WebSocket.OPEN) socket.send(message);
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

function gcd(a: Decimal, b: Decimal): Decimal {
  if (!a.isInteger() || !b.isInteger()) return Decimal.min(a, b);
  return b.isZero() ? a : gcd(b, a.mod(b));
}

/** tastytrade sends whole quantities as JSON numbers and fractional ones as strings; the fake does the same. */
function jsonQuantity(text: string): number | string {
  return /^\d+$/.test(text) && text.length < 15 ? Number(text) : text;
}
