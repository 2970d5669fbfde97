import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Decimal } from 'decimal.js';
import { payloadOf } from '../samples/samples.js';

/**
 * An in-memory Binance on 127.0.0.1, spot (`/api/v3`) or USDⓈ-M (`/fapi`), speaking the
 * documented wire format: HMAC-SHA256 signed queries (`X-MBX-APIKEY`, `timestamp`, `recvWindow`,
 * `signature`; checked), decimal strings, numeric ids, `{"code":-2013,"msg":"Order does not exist."}`
 * errors with HTTP 400, client order ids unique among open orders only (-2010 "Duplicate order
 * sent." on spot, -4116 on USDⓈ-M), and the 24-hour (spot) / 7-day (USDⓈ-M) windows of myTrades /
 * userTrades and allOrders. Orders and trades are built on the sample corpus's real payloads.
 */

type Json = Record<string, unknown>;
export type BinanceFakeMarket = 'spot' | 'usdm';

export interface BinanceFailRule {
  status?: number;
  code?: number;
  drop?: boolean;
  afterProcessing?: boolean;
  path?: RegExp;
}

const working = new Set(['NEW', 'PARTIALLY_FILLED']);
const dayMs = 24 * 60 * 60 * 1000;

export class FakeBinance {
  restBaseUrl = '';
  readonly apiKey = 'fake-api-key';
  readonly secret = 'fake-api-secret';
  readonly requests: { method: string; path: string }[] = [];
  /** Keyed `<symbol>:<orderId>`, as the adapter names them. */
  readonly orders = new Map<string, Json>();
  readonly trades: Json[] = [];
  private readonly failures: (BinanceFailRule & { remaining: number })[] = [];
  private readonly server: http.Server;
  private nextOrderId = 5_403_233_939;
  private nextTradeId = 477_128_891;
  private lastTime = 0;
  private readonly orderTemplate: Json;
  private readonly tradeTemplate: Json;

  private constructor(readonly market: BinanceFakeMarket) {
    this.orderTemplate = payloadOf('binance', market === 'spot' ? 'order-spot-new' : 'order-usdm-new');
    this.tradeTemplate = payloadOf('binance', market === 'spot' ? 'trade-spot' : 'trade-usdm');
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => this.handle(req, res, body));
    });
  }

  static async start(market: BinanceFakeMarket): Promise<FakeBinance> {
    const fake = new FakeBinance(market);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.restBaseUrl = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- test controls ---------------------------------------------------------------------------

  failNext(count: number, rule: BinanceFailRule): void {
    this.failures.push({ ...rule, remaining: count });
  }

  /** Fills (part of) an order as the market would. */
  fill(venueOrderId: string, quantity: string, price: string, options: { isMaker?: boolean } = {}): Json {
    const order = this.mustGet(venueOrderId);
    const left = new Decimal(order.origQty as string).minus(order.executedQty as string);
    if (new Decimal(quantity).gt(left)) throw new Error(`fake binance: order ${venueOrderId} has ${left.toFixed()} left`);
    const time = this.tick();
    const isMaker = options.isMaker ?? true;
    const quote = new Decimal(quantity).times(price);
    const buy = order.side === 'BUY';
    const trade: Json = {
      ...structuredClone(this.tradeTemplate),
      symbol: order.symbol,
      id: this.nextTradeId++,
      orderId: order.orderId,
      price,
      qty: quantity,
      quoteQty: quote.toFixed(),
      time,
      ...(this.market === 'spot'
        ? { isBuyer: buy, isMaker, commission: new Decimal(quantity).times('0.001').toFixed(), commissionAsset: (order.symbol as string).replace(/USDT$/, '') }
        : { side: order.side, buyer: buy, maker: isMaker, commission: quote.times('0.0002').toFixed(), commissionAsset: 'USDT' }),
    };
    this.trades.push(trade);
    const executed = new Decimal(order.executedQty as string).plus(quantity);
    const quoteKey = this.market === 'spot' ? 'cummulativeQuoteQty' : 'cumQuote';
    const cumQuote = new Decimal(order[quoteKey] as string).plus(quote);
    Object.assign(order, {
      executedQty: executed.toFixed(),
      [quoteKey]: cumQuote.toFixed(),
      ...(this.market === 'usdm' ? { avgPrice: cumQuote.div(executed).toFixed(), cumQty: executed.toFixed() } : {}),
      status: executed.eq(order.origQty as string) ? 'FILLED' : 'PARTIALLY_FILLED',
      updateTime: time,
    });
    return trade;
  }

  /** Overwrites raw fields of an order (a status or type the adapter must read). */
  setRaw(venueOrderId: string, fields: Json): void {
    Object.assign(this.mustGet(venueOrderId), fields);
  }

  /** Puts a raw order (a sample payload) into the lists. */
  addRawOrder(order: Json): void {
    this.orders.set(`${String(order.symbol)}:${String(order.orderId)}`, order);
  }

  ordersWithClientId(clientOrderId: string): Json[] {
    return [...this.orders.values()].filter((o) => o.clientOrderId === clientOrderId);
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname + url.search });
    const rule = this.failures.find((f) => f.remaining > 0 && (f.path === undefined || f.path.test(url.pathname)));
    if (rule !== undefined) rule.remaining--;
    const fail = () => {
      if (rule!.drop) return void res.socket?.destroy();
      if (rule!.code !== undefined) return send(res, rule!.status ?? 400, { code: rule!.code, msg: rule!.code === -1003 ? 'Too many requests.' : 'An unknown error occured while processing the request.' });
      send(res, rule!.status ?? 500, rule!.status === 429 ? { code: -1003, msg: 'Too many requests.' } : { code: -1000, msg: 'injected failure' });
    };
    if (rule !== undefined && !rule.afterProcessing) return fail();
    const query = method === 'GET' || method === 'DELETE' ? url.search.replace(/^\?/, '') : body;
    const auth = this.checkSignature(req, query);
    let status = 200;
    let answer: unknown;
    if (auth !== null) [status, answer] = [401, auth];
    else {
      try {
        [status, answer] = this.route(method, url.pathname, Object.fromEntries(new URLSearchParams(query)));
      } catch (error) {
        [status, answer] = [400, { code: -1102, msg: (error as Error).message }];
      }
    }
    if (rule !== undefined) return fail();
    send(res, status, answer);
  }

  /** Binance: signature = hex(HMAC_SHA256(secret, the query string or body up to `&signature=`)). */
  private checkSignature(req: http.IncomingMessage, query: string): Json | null {
    if (req.headers['x-mbx-apikey'] !== this.apiKey) return { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' };
    const at = query.lastIndexOf('&signature=');
    if (at < 0) return { code: -1102, msg: "Mandatory parameter 'signature' was not sent, was empty/null, or malformed." };
    const expected = createHmac('sha256', this.secret).update(query.slice(0, at)).digest('hex');
    if (query.slice(at + '&signature='.length) !== expected) return { code: -1022, msg: 'Signature for this request is not valid.' };
    const params = new URLSearchParams(query);
    if (Math.abs(Date.now() - Number(params.get('timestamp'))) > Number(params.get('recvWindow') ?? 5000)) return { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' };
    return null;
  }

  private route(method: string, path: string, p: Record<string, string>): [number, unknown] {
    const prefix = this.market === 'spot' ? '/api/v3' : '/fapi/v1';
    if (method === 'POST' && path === `${prefix}/order`) return this.create(p);
    if (method === 'GET' && path === `${prefix}/order`) return this.getOrder(p);
    if (method === 'DELETE' && path === `${prefix}/order`) return this.cancel(p);
    if (method === 'GET' && path === `${prefix}/openOrders`) return [200, [...this.orders.values()].filter((o) => working.has(o.status as string) || !isKnownStatus(o.status)).filter((o) => p.symbol === undefined || o.symbol === p.symbol)];
    if (method === 'GET' && path === `${prefix}/allOrders`) return this.windowed(p, [...this.orders.values()], 'orderId');
    if (method === 'GET' && path === (this.market === 'spot' ? '/api/v3/myTrades' : '/fapi/v1/userTrades')) return this.windowed(p, this.trades, 'id');
    if (method === 'GET' && this.market === 'usdm' && path === '/fapi/v2/positionRisk') return [200, this.positions()];
    return [404, { code: -1000, msg: `no route ${method} ${path}` }];
  }

  private create(p: Record<string, string>): [number, unknown] {
    const clientId = p.newClientOrderId ?? '';
    if (!/^[.A-Z:/a-z0-9_-]{1,36}$/.test(clientId)) return [400, { code: -1100, msg: "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'." }];
    // Unique among open orders only (Binance: "Orders with the same newClientOrderID can be accepted only when the previous one is filled").
    if (this.ordersWithClientId(clientId).some((o) => working.has(o.status as string))) {
      return [400, this.market === 'spot' ? { code: -2010, msg: 'Duplicate order sent.' } : { code: -4116, msg: 'ClientOrderId is duplicated.' }];
    }
    if (!['BUY', 'SELL'].includes(p.side ?? '') || !['LIMIT', 'MARKET'].includes(p.type ?? '') || p.symbol === undefined) return [400, { code: -1102, msg: 'Mandatory parameter was not sent, was empty/null, or malformed.' }];
    if (!/^\d+(\.\d+)?$/.test(p.quantity ?? '') || new Decimal(p.quantity!).lte(0)) return [400, { code: -1013, msg: 'Invalid quantity.' }];
    if (p.type === 'LIMIT' && (!/^\d+(\.\d+)?$/.test(p.price ?? '') || !['GTC', 'IOC', 'FOK', 'GTX'].includes(p.timeInForce ?? ''))) return [400, { code: -1102, msg: "Mandatory parameter 'price' or 'timeInForce' was not sent." }];
    const orderId = this.nextOrderId++;
    const time = this.tick();
    const order: Json = {
      ...structuredClone(this.orderTemplate),
      symbol: p.symbol,
      orderId,
      clientOrderId: clientId,
      price: p.price ?? '0',
      origQty: p.quantity,
      executedQty: '0',
      status: 'NEW',
      timeInForce: p.timeInForce ?? 'GTC',
      type: p.type,
      side: p.side,
      ...(this.market === 'spot' ? { cummulativeQuoteQty: '0', time, updateTime: time, workingTime: time } : { cumQuote: '0', cumQty: '0', avgPrice: '0.00000', origType: p.type, time, updateTime: time }),
    };
    this.orders.set(`${p.symbol}:${orderId}`, order);
    return [200, { symbol: p.symbol, orderId, orderListId: -1, clientOrderId: clientId, transactTime: time }];
  }

  private find(p: Record<string, string>): Json | undefined {
    if (p.orderId !== undefined) return this.orders.get(`${p.symbol}:${p.orderId}`);
    return [...this.orders.values()].filter((o) => o.symbol === p.symbol && o.clientOrderId === p.origClientOrderId).sort((a, b) => Number(b.orderId) - Number(a.orderId))[0];
  }

  private getOrder(p: Record<string, string>): [number, unknown] {
    const order = this.find(p);
    return order === undefined ? [400, { code: -2013, msg: 'Order does not exist.' }] : [200, order];
  }

  private cancel(p: Record<string, string>): [number, unknown] {
    const order = this.find(p);
    if (order === undefined || !working.has(order.status as string)) return [400, { code: -2011, msg: 'Unknown order sent.' }];
    Object.assign(order, { status: 'CANCELED', updateTime: this.tick() });
    return [200, order];
  }

  /** startTime/endTime at most 24 h (spot) or 7 days (USDⓈ-M) apart; ascending; at most `limit` (1000). */
  private windowed(p: Record<string, string>, items: Json[], idKey: string): [number, unknown] {
    if (p.symbol === undefined) return [400, { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." }];
    const start = p.startTime === undefined ? undefined : Number(p.startTime);
    const end = p.endTime === undefined ? undefined : Number(p.endTime);
    const max = this.market === 'spot' ? dayMs : 7 * dayMs;
    if (start !== undefined && end !== undefined && end - start > max) return [400, { code: -1127, msg: `More than ${this.market === 'spot' ? '24 hours' : '7 days'} between startTime and endTime.` }];
    const limit = Math.min(Number(p.limit ?? 500), 1000);
    const list = items
      .filter((i) => i.symbol === p.symbol && (start === undefined || Number(i.time) >= start) && (end === undefined || Number(i.time) <= end))
      .sort((a, b) => Number(a.time) - Number(b.time) || Number(a[idKey]) - Number(b[idKey]));
    return [200, list.slice(0, limit)];
  }

  private positions(): Json[] {
    const net = new Map<string, Decimal>();
    for (const t of this.trades) net.set(t.symbol as string, (net.get(t.symbol as string) ?? new Decimal(0)).plus(new Decimal(t.qty as string).times(t.side === 'BUY' ? 1 : -1)));
    return [...net].map(([symbol, amount]) => ({ symbol, positionAmt: amount.toFixed(), entryPrice: '0.0', positionSide: 'BOTH', leverage: '10', updateTime: Date.now() }));
  }

  private tick(): number {
    this.lastTime = Math.max(Date.now(), this.lastTime + 1);
    return this.lastTime;
  }

  private mustGet(venueOrderId: string): Json {
    const order = this.orders.get(venueOrderId);
    if (order === undefined) throw new Error(`fake binance: no order ${venueOrderId}`);
    return order;
  }
}

function isKnownStatus(status: unknown): boolean {
  return ['NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'REJECTED', 'EXPIRED', 'EXPIRED_IN_MATCH', 'PENDING_CANCEL', 'PENDING_NEW'].includes(status as string);
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}
