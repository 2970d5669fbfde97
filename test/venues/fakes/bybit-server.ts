import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Decimal } from 'decimal.js';
import { WebSocket, WebSocketServer } from 'ws';
import { payloadOf } from '../samples/samples.js';

/**
 * An in-memory Bybit v5 on 127.0.0.1 speaking the documented wire format: signed requests
 * (X-BAPI-API-KEY, -TIMESTAMP, -RECV-WINDOW, -SIGN; the signature is checked), the
 * `{"retCode":0,"retMsg":"OK","result":{...},"time":...}` envelope with decimals as strings,
 * cursor paging, order/create with a unique `orderLinkId` (110072 when reused), the 7-day window
 * of execution/list, and the private WebSocket (`auth`, `subscribe`, `ping`; `order` and
 * `execution` topics). Test controls make it fill, duplicate, reorder, drop and fail.
 */

type Json = Record<string, unknown>;

export interface BybitFailRule {
  /** Answer with this HTTP status (429, 500, 503...). */
  status?: number;
  /** Answer HTTP 200 with this retCode (10006: too many visits, 10016: system error). */
  retCode?: number;
  /** Close the connection without answering. */
  drop?: boolean;
  /** Carry the request out first, then fail: the caller cannot tell it worked. */
  afterProcessing?: boolean;
  method?: string;
  path?: RegExp;
}

/**
 * Orders and executions are built on real payloads from the sample corpus (ccxt's own samples of
 * Bybit v5 answers), so every field Bybit sends is there, with the fake's values over them.
 */
const orderTemplate = payloadOf('bybit', 'order-filled-market');
const executionTemplate = payloadOf('bybit', 'execution-stream-trade');

const workingStatuses = new Set(['Created', 'New', 'PartiallyFilled', 'Untriggered', 'Triggered', 'Active']);
/** order/realtime lists every order not closed: a status the fake does not know (a test's "Frozen") is listed as working. */
const closedStatuses = new Set(['Filled', 'Cancelled', 'PartiallyFilledCanceled', 'Rejected', 'Deactivated']);
const weekMs = 7 * 24 * 60 * 60 * 1000;

export class FakeBybit {
  restBaseUrl = '';
  wsPrivateUrl = '';
  readonly apiKey: string;
  readonly secret: string;
  readonly category: string;
  /** Every HTTP request received, for assertions. */
  readonly requests: { method: string; path: string }[] = [];
  readonly orders = new Map<string, Json>();
  readonly executions: Json[] = [];
  private readonly failures: (BybitFailRule & { remaining: number })[] = [];
  private readonly subscribers = new Map<WebSocket, Set<string>>();
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private readonly pushed: string[] = [];
  private held: string[] | null = null;
  private nextOrderId = 1_795_000_000_000_000_001n;
  private lastTime = 0;

  /** The retCode a reused orderLinkId is answered with: 110072 (contracts), 170141 or 12141 (spot). */
  duplicateRetCode = 110072;

  private constructor(options: { apiKey?: string; secret?: string; category?: string }) {
    this.apiKey = options.apiKey ?? 'fake-api-key';
    this.secret = options.secret ?? 'fake-api-secret';
    this.category = options.category ?? 'linear';
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => this.handle(req, res, body));
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/v5/private' });
    this.wss.on('connection', (socket) => this.privateConnection(socket));
  }

  static async start(options: { apiKey?: string; secret?: string; category?: string } = {}): Promise<FakeBybit> {
    const fake = new FakeBybit(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const { port } = fake.server.address() as AddressInfo;
    fake.restBaseUrl = `http://127.0.0.1:${port}`;
    fake.wsPrivateUrl = `ws://127.0.0.1:${port}/v5/private`;
    return fake;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- test controls ---------------------------------------------------------------------------

  failNext(count: number, rule: BybitFailRule): void {
    this.failures.push({ ...rule, remaining: count });
  }

  /** Fills (part of) an order as the market would; pushes the execution then the order unless `silent`. */
  fill(orderId: string, quantity: string, price: string, options: { silent?: boolean; isMaker?: boolean } = {}): Json {
    const order = this.mustGet(orderId);
    const leaves = new Decimal(order.leavesQty as string);
    if (new Decimal(quantity).gt(leaves)) throw new Error(`fake bybit: order ${orderId} has ${leaves.toFixed()} left`);
    const isMaker = options.isMaker ?? true;
    const feeRate = isMaker ? '0.0002' : '0.00055';
    const value = new Decimal(quantity).times(price);
    const time = this.tick();
    const execution: Json = {
      ...structuredClone(executionTemplate),
      category: this.category,
      symbol: order.symbol,
      orderId,
      orderLinkId: order.orderLinkId,
      side: order.side,
      orderPrice: order.price,
      orderQty: order.qty,
      leavesQty: leaves.minus(quantity).toFixed(),
      orderType: order.orderType,
      stopOrderType: '',
      execFee: value.times(feeRate).toFixed(),
      execId: randomUUID(),
      execPrice: price,
      execQty: quantity,
      execType: 'Trade',
      execValue: value.toFixed(),
      execTime: String(time),
      feeCurrency: 'USDT',
      isMaker,
      feeRate,
      markPrice: price,
      closedSize: '0',
      seq: this.executions.length + 1,
    };
    this.executions.push(execution);
    const cumQty = new Decimal(order.cumExecQty as string).plus(quantity);
    const cumValue = new Decimal(order.cumExecValue as string).plus(value);
    Object.assign(order, {
      cumExecQty: cumQty.toFixed(),
      cumExecValue: cumValue.toFixed(),
      cumExecFee: new Decimal(order.cumExecFee as string).plus(execution.execFee as string).toFixed(),
      avgPrice: cumValue.div(cumQty).toFixed(),
      leavesQty: leaves.minus(quantity).toFixed(),
      orderStatus: leaves.minus(quantity).isZero() ? 'Filled' : 'PartiallyFilled',
      updatedTime: String(time),
    });
    if (!options.silent) {
      this.push('execution', [execution]);
      this.push('order', [order]);
    }
    return execution;
  }

  /** Puts a raw execution (a sample payload) into execution/list and, unless silent, on the stream. */
  addRawExecution(execution: Json, options: { silent?: boolean } = {}): void {
    this.executions.push(execution);
    if (!options.silent) this.push('execution', [execution]);
  }

  /** Puts a raw order (a sample payload) into the order lists and, unless silent, on the stream. */
  addRawOrder(order: Json, options: { silent?: boolean } = {}): void {
    this.orders.set(String(order.orderId), order);
    if (!options.silent) this.push('order', [order]);
  }

  /** Overwrites raw fields of an order (a value Bybit sends that the adapter must read), silently. */
  setRaw(orderId: string, fields: Json): void {
    Object.assign(this.mustGet(orderId), fields);
  }

  /** Sets a raw order status, known to Bybit or not. */
  setRawStatus(orderId: string, status: string, options: { silent?: boolean } = {}): void {
    const order = this.mustGet(orderId);
    Object.assign(order, { orderStatus: status, updatedTime: String(this.tick()) });
    if (!options.silent) this.push('order', [order]);
  }

  /** Sends the last `count` stream messages again, as an at-least-once stream may. */
  replay(count: number): void {
    for (const message of this.pushed.slice(-count)) this.broadcast(message);
  }

  /** Holds stream messages back until `release`, which sends them newest first (out of order). */
  hold(): void {
    this.held = [];
  }

  release(options: { reverse?: boolean } = {}): void {
    const held = this.held ?? [];
    this.held = null;
    for (const message of options.reverse ? held.reverse() : held) this.broadcast(message);
  }

  /** Drops every private stream connection, as a network blip would. */
  dropStreams(): void {
    for (const socket of this.subscribers.keys()) socket.terminate();
    this.subscribers.clear();
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  ordersWithLinkId(orderLinkId: string): Json[] {
    return [...this.orders.values()].filter((o) => o.orderLinkId === orderLinkId);
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname + url.search });
    const rule = this.failures.find((f) => f.remaining > 0 && (f.method === undefined || f.method === method) && (f.path === undefined || f.path.test(url.pathname)));
    if (rule !== undefined) rule.remaining--;
    const fail = () => {
      if (rule!.drop) return void res.socket?.destroy();
      if (rule!.retCode !== undefined) return send(res, 200, envelope(rule!.retCode, rule!.retCode === 10006 ? 'Too many visits!' : 'System error. Please try again later.', {}));
      send(res, rule!.status ?? 500, rule!.status === 429 ? envelope(10006, 'Too many visits!', {}) : { error: 'injected failure' });
    };
    if (rule !== undefined && !rule.afterProcessing) return fail();
    const auth = this.checkSignature(req, url, body);
    let answer: Json;
    if (auth !== null) answer = auth;
    else {
      try {
        answer = this.route(method, url.pathname, method === 'GET' ? Object.fromEntries(url.searchParams) : (JSON.parse(body || '{}') as Json));
      } catch (error) {
        answer = envelope(10001, (error as Error).message, {});
      }
    }
    if (rule !== undefined) return fail();
    send(res, 200, answer);
  }

  /** Bybit v5 HMAC: hex(HMAC_SHA256(secret, timestamp + apiKey + recvWindow + (query string | body))). */
  private checkSignature(req: http.IncomingMessage, url: URL, body: string): Json | null {
    const key = req.headers['x-bapi-api-key'];
    const timestamp = req.headers['x-bapi-timestamp'];
    const recvWindow = req.headers['x-bapi-recv-window'];
    const sign = req.headers['x-bapi-sign'];
    if (typeof key !== 'string' || typeof timestamp !== 'string' || typeof recvWindow !== 'string' || typeof sign !== 'string') return envelope(10003, 'API key is invalid. (missing X-BAPI headers)', {});
    if (key !== this.apiKey) return envelope(10003, 'API key is invalid.', {});
    if (Math.abs(Date.now() - Number(timestamp)) > Number(recvWindow)) return envelope(10002, 'invalid request, please check your server timestamp or recv_window param', {});
    const payload = req.method === 'GET' ? url.search.replace(/^\?/, '') : body;
    const expected = createHmac('sha256', this.secret).update(timestamp + key + recvWindow + payload).digest('hex');
    // Bybit echoes what it signed, API key included.
    return expected === sign ? null : envelope(10004, `error sign! origin_string[${timestamp + key + recvWindow + payload}]`, {});
  }

  private route(method: string, path: string, p: Json): Json {
    if (p.category !== this.category) return envelope(10001, `category ${String(p.category)} is not served by this fake`, {});
    if (method === 'POST' && path === '/v5/order/create') return this.create(p);
    if (method === 'POST' && path === '/v5/order/cancel') return this.cancel(p);
    if (method === 'GET' && path === '/v5/order/realtime') return this.listOrders(p, true);
    if (method === 'GET' && path === '/v5/order/history') return this.listOrders(p, false);
    if (method === 'GET' && path === '/v5/execution/list') return this.listExecutions(p);
    if (method === 'GET' && path === '/v5/position/list') return this.listPositions(p);
    return envelope(10001, `no route ${method} ${path}`, {});
  }

  private create(p: Json): Json {
    const linkId = String(p.orderLinkId ?? '');
    if (linkId.length > 36 || !/^[A-Za-z0-9_-]*$/.test(linkId)) return envelope(10001, 'orderLinkId is invalid', {});
    if (linkId !== '' && this.ordersWithLinkId(linkId).length > 0) return envelope(this.duplicateRetCode, this.duplicateRetCode === 110072 ? 'OrderLinkedID is duplicate' : 'Duplicate clientOrderId.', {});
    if (typeof p.symbol !== 'string' || !['Buy', 'Sell'].includes(p.side as string) || !['Limit', 'Market'].includes(p.orderType as string)) return envelope(10001, 'params error: symbol, side or orderType', {});
    if (typeof p.qty !== 'string' || !/^\d+(\.\d+)?$/.test(p.qty) || new Decimal(p.qty).lte(0)) return envelope(10001, 'params error: qty must be a positive decimal string', {});
    if (p.orderType === 'Limit' && (typeof p.price !== 'string' || !/^\d+(\.\d+)?$/.test(p.price))) return envelope(10001, 'params error: price is required for a limit order', {});
    if (!['GTC', 'IOC', 'FOK', 'PostOnly', 'RPI'].includes(p.timeInForce as string)) return envelope(10001, 'params error: timeInForce', {});
    const orderId = String(this.nextOrderId++);
    const time = String(this.tick());
    const order: Json = {
      ...structuredClone(orderTemplate),
      orderId,
      orderLinkId: linkId,
      blockTradeId: '',
      symbol: p.symbol,
      price: p.orderType === 'Limit' ? p.price : '0',
      qty: p.qty,
      side: p.side,
      isLeverage: '',
      positionIdx: 0,
      orderStatus: p.triggerPrice !== undefined ? 'Untriggered' : 'New',
      cancelType: 'UNKNOWN',
      rejectReason: 'EC_NoError',
      avgPrice: '',
      leavesQty: p.qty,
      leavesValue: '0',
      cumExecQty: '0',
      cumExecValue: '0',
      cumExecFee: '0',
      timeInForce: p.timeInForce,
      orderType: p.orderType,
      stopOrderType: '',
      triggerPrice: p.triggerPrice ?? '',
      triggerDirection: p.triggerDirection ?? 0,
      reduceOnly: false,
      closeOnTrigger: false,
      createdTime: time,
      updatedTime: time,
      category: this.category,
      cumFeeDetail: {},
    };
    this.orders.set(orderId, order);
    this.push('order', [order]);
    return envelope(0, 'OK', { orderId, orderLinkId: linkId });
  }

  private cancel(p: Json): Json {
    if (typeof p.symbol !== 'string') return envelope(10001, 'params error: symbol is required', {});
    const order = p.orderId !== undefined ? this.orders.get(String(p.orderId)) : this.ordersWithLinkId(String(p.orderLinkId))[0];
    if (order === undefined || order.symbol !== p.symbol || !workingStatuses.has(order.orderStatus as string)) return envelope(110001, 'order not exists or too late to cancel', {});
    Object.assign(order, { orderStatus: 'Cancelled', cancelType: 'CancelByUser', updatedTime: String(this.tick()) });
    this.push('order', [order]);
    return envelope(0, 'OK', { orderId: order.orderId, orderLinkId: order.orderLinkId });
  }

  private listOrders(p: Json, realtime: boolean): Json {
    if (this.category === 'linear' && p.symbol === undefined && p.settleCoin === undefined && p.baseCoin === undefined) return envelope(10001, 'symbol, baseCoin or settleCoin is required', {});
    let orders = [...this.orders.values()].sort((a, b) => Number(b.createdTime) - Number(a.createdTime));
    if (p.orderId !== undefined) orders = orders.filter((o) => o.orderId === p.orderId);
    else if (p.orderLinkId !== undefined) orders = orders.filter((o) => o.orderLinkId === p.orderLinkId);
    else if (!realtime) {
      // order/history: at most 7 days a request, on creation time; the last 7 days when no time is given.
      const start = p.startTime === undefined ? undefined : Number(p.startTime);
      const end = p.endTime === undefined ? undefined : Number(p.endTime);
      if (start !== undefined && end !== undefined && end - start > weekMs) return envelope(10001, 'The time range between startTime and endTime cannot exceed 7 days', {});
      const from = start ?? (end ?? Date.now()) - weekMs;
      const to = end ?? from + weekMs;
      orders = orders.filter((o) => Number(o.createdTime) >= from && Number(o.createdTime) <= to);
    } else orders = orders.filter((o) => (String(p.openOnly ?? '0') === '0' ? !closedStatuses.has(o.orderStatus as string) : closedStatuses.has(o.orderStatus as string)));
    if (p.symbol !== undefined) orders = orders.filter((o) => o.symbol === p.symbol);
    return this.page(orders, p, 50, 20);
  }

  private listExecutions(p: Json): Json {
    const start = p.startTime === undefined ? undefined : Number(p.startTime);
    const end = p.endTime === undefined ? undefined : Number(p.endTime);
    if (start !== undefined && end !== undefined && end - start > weekMs) return envelope(10001, 'The time range between startTime and endTime cannot exceed 7 days', {});
    const from = start ?? (end ?? Date.now()) - weekMs;
    const to = end ?? from + weekMs;
    let list = this.executions.filter((e) => Number(e.execTime) >= from && Number(e.execTime) <= to).sort((a, b) => Number(b.execTime) - Number(a.execTime));
    if (p.symbol !== undefined) list = list.filter((e) => e.symbol === p.symbol);
    if (p.orderId !== undefined) list = list.filter((e) => e.orderId === p.orderId);
    return this.page(list, p, 100, 50);
  }

  private listPositions(p: Json): Json {
    if (this.category === 'linear' && p.symbol === undefined && p.settleCoin === undefined) return envelope(10001, 'symbol or settleCoin is required', {});
    const net = new Map<string, Decimal>();
    // Positions move by the fake's own trades; raw executions a test adds (funding, splits, unknown types) leave them alone.
    for (const e of this.executions.filter((x) => x.execType === 'Trade')) {
      const signed = new Decimal(e.execQty as string).times(e.side === 'Buy' ? 1 : -1);
      net.set(e.symbol as string, (net.get(e.symbol as string) ?? new Decimal(0)).plus(signed));
    }
    const list = [...net.entries()]
      .filter(([symbol]) => p.symbol === undefined || symbol === p.symbol)
      .map(([symbol, n]) => ({ positionIdx: 0, symbol, side: n.isZero() ? '' : n.gt(0) ? 'Buy' : 'Sell', size: n.abs().toFixed(), avgPrice: '0', leverage: '10', updatedTime: String(Date.now()) }));
    return this.page(list, p, 200, 20);
  }

  /** Cursor paging as Bybit does it: an opaque `nextPageCursor`, empty on the last page. */
  private page(items: Json[], p: Json, max: number, fallback: number): Json {
    const limit = Math.min(Number(p.limit ?? fallback), max);
    const offset = p.cursor === undefined ? 0 : Number(Buffer.from(String(p.cursor), 'base64url').toString().replace('offset=', ''));
    const list = items.slice(offset, offset + limit);
    const next = offset + limit < items.length ? Buffer.from(`offset=${offset + limit}`).toString('base64url') : '';
    return envelope(0, 'OK', { category: this.category, list, nextPageCursor: next });
  }

  private tick(): number {
    this.lastTime = Math.max(Date.now(), this.lastTime + 1);
    return this.lastTime;
  }

  private mustGet(orderId: string): Json {
    const order = this.orders.get(orderId);
    if (order === undefined) throw new Error(`fake bybit: no order ${orderId}`);
    return order;
  }

  // ---- private WebSocket -----------------------------------------------------------------------

  private privateConnection(socket: WebSocket): void {
    let authed = false;
    const connId = randomUUID();
    socket.on('message', (data) => {
      let message: Json;
      try {
        message = JSON.parse(data.toString()) as Json;
      } catch {
        return;
      }
      const reply = (fields: Json) => socket.send(JSON.stringify({ req_id: message.req_id, conn_id: connId, ...fields }));
      if (message.op === 'auth') {
        const [key, expires, signature] = (message.args as [string, number, string] | undefined) ?? [];
        const expected = createHmac('sha256', this.secret).update(`GET/realtime${expires}`).digest('hex');
        authed = key === this.apiKey && Number(expires) > Date.now() && signature === expected;
        reply({ success: authed, ret_msg: authed ? '' : 'Request not authorized', op: 'auth' });
      } else if (message.op === 'subscribe') {
        if (!authed) return reply({ success: false, ret_msg: 'Request not authorized', op: 'subscribe' });
        this.subscribers.set(socket, new Set((message.args as string[] | undefined) ?? []));
        reply({ success: true, ret_msg: '', op: 'subscribe' });
      } else if (message.op === 'ping') {
        reply({ op: 'pong', args: [String(Date.now())] });
      }
    });
    socket.on('close', () => this.subscribers.delete(socket));
    socket.on('error', () => {});
  }

  private push(topic: string, data: Json[]): void {
    const message = JSON.stringify({ id: randomUUID(), topic, creationTime: Date.now(), data: structuredClone(data) });
    this.pushed.push(message);
    if (this.held !== null) this.held.push(message);
    else this.broadcast(message);
  }

  private broadcast(message: string): void {
    const topic = (JSON.parse(message) as { topic: string }).topic;
    for (const [socket, topics] of this.subscribers) if (topics.has(topic) && socket.readyState === WebSocket.OPEN) socket.send(message);
  }
}

function envelope(retCode: number, retMsg: string, result: unknown): Json {
  return { retCode, retMsg, result, retExtInfo: {}, time: Date.now() };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}
