import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { Decimal } from '../../../src/domain/index.js';

/**
 * An in-memory Tradier brokerage (API v1, JSON) on 127.0.0.1, speaking its documented wire format:
 * form-encoded requests, JSON numbers for quantities and prices (written from decimals, digit for
 * digit), `{"orders":{"order":…}}` holding an object for one order and `"null"` for none, tags only
 * with `includeTags=true`, and the account-events websocket behind a session, whose order snapshots
 * carry no symbol, side, quantity or last fill price, with heartbeats.
 *
 * Controls for the tests: fill an order, set any status (an unknown one too), answer the next
 * requests with an error (before or after doing the work, or by dropping the connection), drop the
 * stream, stop the heartbeats, hold stream messages and release them out of order, replay them.
 */

export interface FakeTradierOptions {
  accessToken?: string;
  accountId?: string;
  /** Heartbeat interval on the stream; 0 for none. */
  heartbeatMs?: number;
}

export interface FailureRule {
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
  id: number;
  type: string;
  symbol: string;
  side: string;
  quantity: Decimal;
  status: string;
  duration: string;
  price: Decimal | null;
  stop: Decimal | null;
  executed: Decimal;
  notional: Decimal;
  lastFillPrice: Decimal;
  lastFillQuantity: Decimal;
  createdAt: string;
  updatedAt: string;
  tag: string | null;
  reason: string | null;
}

/** A JSON number written exactly as given. */
class Num {
  constructor(readonly text: string) {}
}
/** A JSON text written exactly as given (a sample payload, its numbers as Tradier wrote them). */
class RawJson {
  constructor(readonly text: string) {}
}
const num = (d: Decimal) => new Num(d.decimalPlaces() === 0 ? d.toFixed(1) : d.toFixed());
function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Num ? `\u0000${v.text}\u0000` : v instanceof RawJson ? `\u0001${Buffer.from(v.text).toString('base64')}\u0001` : v))
    .replace(/"\\u0000([-0-9.eE+]+)\\u0000"/g, '$1')
    .replace(/"\\u0001([A-Za-z0-9+/=]+)\\u0001"/g, (_m, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
}

const workingStatuses = new Set(['pending', 'open', 'partially_filled', 'calculated', 'accepted_for_bidding', 'held']);

export class FakeTradierServer {
  readonly accessToken: string;
  readonly accountId: string;
  readonly orders = new Map<number, FakeOrder>();
  /**
   * Orders served verbatim beside the fake's own: the sample corpus's payloads
   * (test/venues/samples/tradier), listed with the account's orders (every `filter`, first page)
   * and looked up by id. Never filled or canceled.
   */
  readonly rawOrders = new Map<string, string>();
  /** Positions reported besides those the fake's own orders make (e.g. the legs of a sample's filled spread). */
  readonly extraPositions: { symbol: string; quantity: string }[] = [];
  /** Every REST request, as `METHOD /path?query` (no headers: they hold the token). */
  readonly requests: string[] = [];
  /** Symbols whose orders the back office rejects after accepting them. */
  readonly rejectSymbols = new Set<string>();
  /** Stream connections accepted, ever. */
  connections = 0;
  heartbeats = true;
  private nextId = 1000;
  private readonly rules: FailureRule[] = [];
  private readonly sessions = new Set<string>();
  private readonly subscribed = new Set<WebSocket>();
  private held: string[] | null = null;
  private readonly sent: string[] = [];
  private lastMs = 0;
  private readonly heartbeat: NodeJS.Timeout | undefined;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    options: FakeTradierOptions,
  ) {
    this.accessToken = options.accessToken ?? 'fake-token-do-not-log';
    this.accountId = options.accountId ?? 'VA000001';
    const heartbeatMs = options.heartbeatMs ?? 500;
    if (heartbeatMs > 0) {
      this.heartbeat = setInterval(() => {
        if (!this.heartbeats) return;
        const beat = JSON.stringify({ event: 'heartbeat', status: 'active', timestamp: new Date().toISOString() });
        for (const ws of this.subscribed) if (ws.readyState === WebSocket.OPEN) ws.send(beat);
      }, heartbeatMs);
    }
  }

  static async start(options: FakeTradierOptions = {}): Promise<FakeTradierServer> {
    const wss = new WebSocketServer({ noServer: true });
    let fake: FakeTradierServer | undefined;
    const server = createServer((req, res) => {
      fake!.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: { error: [error instanceof Error ? error.message : String(error)] } }));
      });
    });
    fake = new FakeTradierServer(server, wss, options);
    server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://x').pathname !== '/v1/accounts/events') return socket.destroy();
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
    return `ws://127.0.0.1:${this.port}/v1/accounts/events`;
  }
  /** Connections subscribed to order events now. */
  get listeners(): number {
    return this.subscribed.size;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- controls -------------------------------------------------------------------------------

  failNext(rule: FailureRule): void {
    this.rules.push({ ...rule });
  }

  count(method: string, pathPrefix: string): number {
    return this.requests.filter((r) => r.startsWith(`${method} ${pathPrefix}`)).length;
  }

  /** Executes (part of) an order, as the market would; `silent` drops its stream snapshot. */
  fill(orderId: string | number, quantity: string, price: string, options: { silent?: boolean } = {}): void {
    const order = this.mustOrder(orderId);
    if (!workingStatuses.has(order.status)) throw new Error(`fake tradier: order ${orderId} is ${order.status}; it cannot fill`);
    const qty = new Decimal(quantity);
    const executed = order.executed.plus(qty);
    if (executed.gt(order.quantity)) throw new Error(`fake tradier: overfill of ${orderId}`);
    Object.assign(order, {
      executed,
      notional: order.notional.plus(qty.times(price)),
      lastFillPrice: new Decimal(price),
      lastFillQuantity: qty,
      status: executed.eq(order.quantity) ? 'filled' : 'partially_filled',
      updatedAt: this.now(),
    });
    if (!options.silent) this.publish(order);
  }

  /** Sets any status, a made-up one too. */
  setStatus(orderId: string | number, status: string, options: { silent?: boolean } = {}): void {
    const order = this.mustOrder(orderId);
    Object.assign(order, { status, updatedAt: this.now() });
    if (!options.silent) this.publish(order);
  }

  dropStreams(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }

  holdStream(): void {
    this.held = [];
  }

  releaseStream(options: { reverse?: boolean; duplicate?: boolean } = {}): void {
    let messages = this.held ?? [];
    this.held = null;
    if (options.reverse) messages = [...messages].reverse();
    for (const m of messages) {
      this.send(m);
      if (options.duplicate) this.send(m);
    }
  }

  replay(n = 1): void {
    for (const m of this.sent.slice(-n)) this.send(m);
  }

  sendRaw(text: string): void {
    this.send(text);
  }

  orderByTag(tag: string): FakeOrder | undefined {
    return [...this.orders.values()].find((o) => o.tag === tag);
  }

  // ---- REST -----------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    this.requests.push(`${method} ${url.pathname}${url.search}`);
    const body = new URLSearchParams(await readBody(req));
    if (req.headers.authorization !== `Bearer ${this.accessToken}`) {
      return this.json(res, 401, { fault: { faultstring: 'Invalid Access Token', detail: { errorcode: 'keymanagement.service.invalid_access_token' } } });
    }
    if (!(req.headers.accept ?? '').includes('application/json')) {
      // Tradier answers XML unless asked for JSON.
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end('<errors><error>this fake speaks JSON only</error></errors>');
      return;
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
      res.end(JSON.stringify(rule.body ?? { errors: { error: [`fake failure ${rule.status}`] } }));
      return;
    }
    const answer = this.route(method, url, body);
    this.json(res, answer.status, answer.body);
  }

  private route(method: string, url: URL, form: URLSearchParams): { status: number; body: unknown } {
    const path = url.pathname;
    const q = url.searchParams;
    if (method === 'POST' && path === '/v1/accounts/events/session') {
      const sessionid = randomUUID();
      this.sessions.add(sessionid);
      return { status: 200, body: { stream: { url: this.streamUrl, sessionid } } };
    }
    const account = /^\/v1\/accounts\/([^/]+)\/(orders|positions)(?:\/([^/]+))?$/.exec(path);
    if (account === null) return { status: 404, body: { errors: { error: [`no route ${method} ${path}`] } } };
    if (account[1] !== this.accountId) return { status: 401, body: { fault: { faultstring: 'Unauthorized Account' } } };
    const includeTags = q.get('includeTags') === 'true';
    if (account[2] === 'positions' && method === 'GET') return { status: 200, body: this.positions() };
    if (account[2] === 'orders' && account[3] === undefined) {
      if (method === 'POST') return this.create(form);
      if (method === 'GET') return { status: 200, body: this.list(q, includeTags) };
    }
    if (account[2] === 'orders' && account[3] !== undefined) {
      const raw = this.rawOrders.get(account[3]);
      if (raw !== undefined && method === 'GET') return { status: 200, body: { order: new RawJson(raw) } };
      const order = this.orders.get(Number(account[3]));
      if (order === undefined) return { status: 404, body: { errors: { error: ['Order not found'] } } };
      if (method === 'GET') return { status: 200, body: { order: this.restOrder(order, includeTags) } };
      if (method === 'DELETE') {
        if (!workingStatuses.has(order.status)) return { status: 400, body: { errors: { error: [`Order is not cancelable: ${order.status}`] } } };
        Object.assign(order, { status: 'canceled', updatedAt: this.now() });
        this.publish(order);
        return { status: 200, body: { order: { id: new Num(String(order.id)), status: 'ok' } } };
      }
    }
    return { status: 404, body: { errors: { error: [`no route ${method} ${path}`] } } };
  }

  private create(form: URLSearchParams): { status: number; body: unknown } {
    const invalid = (message: string) => ({ status: 400, body: { errors: { error: [message] } } });
    const f = Object.fromEntries(form) as Record<string, string | undefined>;
    if (f.class !== 'equity') return invalid('class must be equity in this fake');
    if (!f.symbol) return invalid('symbol is required');
    if (!['buy', 'buy_to_cover', 'sell', 'sell_short'].includes(f.side ?? '')) return invalid('invalid side');
    if (!/^\d+$/.test(f.quantity ?? '')) return invalid('quantity must be a whole number');
    if (!['market', 'limit', 'stop', 'stop_limit'].includes(f.type ?? '')) return invalid('invalid type');
    if (!['day', 'gtc', 'pre', 'post'].includes(f.duration ?? '')) return invalid('invalid duration');
    if ((f.type === 'limit' || f.type === 'stop_limit') && !f.price) return invalid('price is required');
    if ((f.type === 'stop' || f.type === 'stop_limit') && !f.stop) return invalid('stop is required');
    if (f.tag !== undefined && !/^[A-Za-z0-9-]{1,255}$/.test(f.tag)) return invalid('Invalid tag: letters, numbers and - only');
    const at = this.now();
    const rejected = this.rejectSymbols.has(f.symbol);
    const order: FakeOrder = {
      id: this.nextId++,
      type: f.type!,
      symbol: f.symbol,
      side: f.side!,
      quantity: new Decimal(f.quantity!),
      status: rejected ? 'rejected' : 'open',
      duration: f.duration!,
      price: f.price ? new Decimal(f.price) : null,
      stop: f.stop ? new Decimal(f.stop) : null,
      executed: new Decimal(0),
      notional: new Decimal(0),
      lastFillPrice: new Decimal(0),
      lastFillQuantity: new Decimal(0),
      createdAt: at,
      updatedAt: at,
      tag: f.tag ?? null,
      reason: rejected ? 'DayTradingBuyingPowerExceeded' : null,
    };
    this.orders.set(order.id, order);
    this.publish(order);
    return { status: 200, body: { order: { id: new Num(String(order.id)), status: 'ok', partner_id: randomUUID() } } };
  }

  /** Serves one order of a sample, its JSON text as Tradier wrote it. */
  addRawOrder(id: string, json: string): void {
    this.rawOrders.set(id, json);
  }

  private list(q: URLSearchParams, includeTags: boolean): unknown {
    const today = new Date().toISOString().slice(0, 10);
    const filter = q.get('filter') ?? 'intraday';
    const start = q.get('start') ?? '0000-00-00';
    const end = q.get('end') ?? '9999-99-99';
    const page = Number(q.get('page') ?? 1);
    const limit = Number(q.get('limit') ?? 25);
    const all = [...this.orders.values()]
      .filter((o) => (filter === 'all' ? o.createdAt.slice(0, 10) >= start && o.createdAt.slice(0, 10) <= end : o.createdAt.slice(0, 10) === today))
      .sort((a, b) => a.id - b.id)
      .slice((page - 1) * limit, page * limit)
      .map((o): unknown => this.restOrder(o, includeTags));
    if (page === 1) all.push(...[...this.rawOrders.values()].map((text) => new RawJson(text)));
    if (all.length === 0) return { orders: 'null' };
    return { orders: { order: all.length === 1 ? all[0] : all } };
  }

  private restOrder(o: FakeOrder, includeTags: boolean): Record<string, unknown> {
    return {
      id: new Num(String(o.id)),
      type: o.type,
      symbol: o.symbol,
      side: o.side,
      quantity: num(o.quantity),
      status: o.status,
      duration: o.duration,
      ...(o.price === null ? {} : { price: num(o.price) }),
      ...(o.stop === null ? {} : { stop_price: num(o.stop) }),
      avg_fill_price: num(this.avg(o)),
      exec_quantity: num(o.executed),
      last_fill_price: num(o.lastFillPrice),
      last_fill_quantity: num(o.lastFillQuantity),
      remaining_quantity: num(o.quantity.minus(o.executed)),
      create_date: o.createdAt,
      transaction_date: o.updatedAt,
      class: 'equity',
      ...(includeTags && o.tag !== null ? { tag: o.tag } : {}),
      ...(o.reason === null ? {} : { reason_description: o.reason }),
    };
  }

  private avg(o: FakeOrder): Decimal {
    return o.executed.isZero() ? new Decimal(0) : o.notional.div(o.executed).toDecimalPlaces(10, Decimal.ROUND_HALF_EVEN);
  }

  private positions(): unknown {
    const net = new Map<string, Decimal>();
    for (const o of this.orders.values()) {
      const signed = o.side.startsWith('buy') ? o.executed : o.executed.neg();
      net.set(o.symbol, (net.get(o.symbol) ?? new Decimal(0)).plus(signed));
    }
    for (const p of this.extraPositions) net.set(p.symbol, (net.get(p.symbol) ?? new Decimal(0)).plus(p.quantity));
    const list = [...net.entries()].filter(([, q]) => !q.isZero()).map(([symbol, q], i) => ({ cost_basis: new Num('0.0'), date_acquired: new Date().toISOString(), id: new Num(String(130000 + i)), quantity: num(q), symbol }));
    if (list.length === 0) return { positions: 'null' };
    return { positions: { position: list.length === 1 ? list[0] : list } };
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json', 'x-ratelimit-allowed': '120', 'x-ratelimit-used': '1', 'x-ratelimit-available': '119', 'x-ratelimit-expiry': String(Date.now() + 60_000) });
    res.end(toJson(body));
  }

  // ---- stream ---------------------------------------------------------------------------------

  private accept(ws: WebSocket): void {
    this.connections++;
    ws.on('message', (data: Buffer) => {
      let m: { events?: string[]; sessionid?: string };
      try {
        m = JSON.parse(data.toString('utf8'));
      } catch {
        return ws.close(1003, 'invalid payload');
      }
      if (m.sessionid === undefined || !this.sessions.has(m.sessionid)) {
        ws.send(JSON.stringify({ event: 'error', error: 'invalid session' }));
        return ws.close(1008, 'invalid session');
      }
      this.sessions.delete(m.sessionid);
      if (m.events?.includes('order')) this.subscribed.add(ws);
    });
    ws.on('close', () => this.subscribed.delete(ws));
  }

  /** The stream's snapshot of an order: its documented fields, and no symbol, side, quantity or last fill price. */
  private publish(o: FakeOrder): void {
    const message = toJson({
      id: new Num(String(o.id)),
      event: 'order',
      status: o.status,
      type: o.type,
      price: num(o.price ?? new Decimal(0)),
      stop_price: num(o.stop ?? new Decimal(0)),
      avg_fill_price: num(this.avg(o)),
      exec_quantity: num(o.executed),
      last_fill_quantity: num(o.lastFillQuantity),
      remaining_quantity: num(o.quantity.minus(o.executed)),
      transaction_date: o.updatedAt,
      create_date: o.createdAt,
      account: this.accountId,
      ...(o.tag === null ? {} : { tag: o.tag }),
    });
    if (this.held !== null) this.held.push(message);
    else this.send(message);
  }

  private send(message: string): void {
    this.sent.push(message);
    if (this.sent.length > 1000) this.sent.shift();
    for (const ws of this.subscribed) if (ws.readyState === WebSocket.OPEN) ws.send(message);
  }

  private mustOrder(orderId: string | number): FakeOrder {
    const order = this.orders.get(Number(orderId));
    if (order === undefined) throw new Error(`fake tradier: no order ${orderId}`);
    return order;
  }

  /** Millisecond timestamps that strictly increase. */
  private now(): string {
    this.lastMs = Math.max(Date.now(), this.lastMs + 1);
    return new Date(this.lastMs).toISOString();
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
