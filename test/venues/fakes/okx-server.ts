import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Decimal } from 'decimal.js';
import { payloadOf } from '../samples/samples.js';

/**
 * An in-memory OKX v5 on 127.0.0.1 speaking the documented wire format: signed requests
 * (OK-ACCESS-KEY, -SIGN = base64 HMAC-SHA256 of timestamp + method + path + body, -TIMESTAMP,
 * -PASSPHRASE; checked), the `{"code":"0","msg":"","data":[...]}` envelope with every number a
 * string, per-order `sCode`s, clOrdId of 1-32 alphanumerics unique among pending orders (51016),
 * paging back by `after` (ordId / billId), newest first. Orders and fills are built on the
 * sample corpus's real payloads.
 */

type Json = Record<string, unknown>;
export type OkxFakeInstType = 'SPOT' | 'SWAP';

export interface OkxFailRule {
  status?: number;
  drop?: boolean;
  afterProcessing?: boolean;
  path?: RegExp;
}

const pending = new Set(['live', 'partially_filled']);

export class FakeOkx {
  restBaseUrl = '';
  readonly apiKey = 'fake-api-key';
  readonly secret = 'fake-api-secret';
  readonly passphrase = 'fake-passphrase';
  readonly requests: { method: string; path: string }[] = [];
  /** Keyed `<instId>:<ordId>`, as the adapter names them. */
  readonly orders = new Map<string, Json>();
  readonly fills: Json[] = [];
  private readonly failures: (OkxFailRule & { remaining: number })[] = [];
  private readonly server: http.Server;
  private nextOrderId = 2_657_625_147_249_614_848n;
  private nextTradeId = 107_601_752;
  private nextBillId = 317_321_390_265_368_576n;
  private lastTime = 0;
  private readonly orderTemplate = payloadOf('okx', 'order-swap-filled');
  private readonly fillTemplate = payloadOf('okx', 'fill-spot');

  private constructor(readonly instType: OkxFakeInstType) {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => this.handle(req, res, body));
    });
  }

  static async start(instType: OkxFakeInstType): Promise<FakeOkx> {
    const fake = new FakeOkx(instType);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.restBaseUrl = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  failNext(count: number, rule: OkxFailRule): void {
    this.failures.push({ ...rule, remaining: count });
  }

  fill(venueOrderId: string, quantity: string, price: string, options: { isMaker?: boolean } = {}): Json {
    const order = this.mustGet(venueOrderId);
    const left = new Decimal(order.sz as string).minus(order.accFillSz as string);
    if (new Decimal(quantity).gt(left)) throw new Error(`fake okx: order ${venueOrderId} has ${left.toFixed()} left`);
    const time = String(this.tick());
    const fee = new Decimal(quantity).times(price).times('0.0002').neg(); // OKX: negative when charged
    const fill: Json = {
      ...structuredClone(this.fillTemplate),
      instType: this.instType,
      instId: order.instId,
      ordId: order.ordId,
      clOrdId: order.clOrdId,
      billId: String(this.nextBillId++),
      tradeId: String(this.nextTradeId++),
      side: order.side,
      fillSz: quantity,
      fillPx: price,
      fee: fee.toFixed(),
      feeCcy: 'USDT',
      execType: (options.isMaker ?? true) ? 'M' : 'T',
      ts: time,
    };
    this.fills.push(fill);
    const filled = new Decimal(order.accFillSz as string).plus(quantity);
    const avg = new Decimal(order.avgPx === '' ? 0 : (order.avgPx as string)).times(order.accFillSz as string).plus(new Decimal(quantity).times(price)).div(filled);
    Object.assign(order, { accFillSz: filled.toFixed(), avgPx: avg.toFixed(), fillSz: quantity, fillPx: price, state: filled.eq(order.sz as string) ? 'filled' : 'partially_filled', uTime: time });
    return fill;
  }

  setRaw(venueOrderId: string, fields: Json): void {
    Object.assign(this.mustGet(venueOrderId), fields);
  }

  addRawOrder(order: Json): void {
    this.orders.set(`${String(order.instId)}:${String(order.ordId)}`, order);
  }

  ordersWithClOrdId(clOrdId: string): Json[] {
    return [...this.orders.values()].filter((o) => o.clOrdId === clOrdId);
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname + url.search });
    const rule = this.failures.find((f) => f.remaining > 0 && (f.path === undefined || f.path.test(url.pathname)));
    if (rule !== undefined) rule.remaining--;
    const fail = () => (rule!.drop ? void res.socket?.destroy() : send(res, rule!.status ?? 500, { code: '50013', msg: 'System is busy, please try again later', data: [] }));
    if (rule !== undefined && !rule.afterProcessing) return fail();
    const auth = this.checkSignature(req, url, body);
    let answer: Json;
    if (auth !== null) answer = auth;
    else {
      try {
        answer = this.route(method, url.pathname, method === 'GET' ? Object.fromEntries(url.searchParams) : (JSON.parse(body || '{}') as Json));
      } catch (error) {
        answer = { code: '51000', msg: (error as Error).message, data: [] };
      }
    }
    if (rule !== undefined) return fail();
    send(res, 200, answer);
  }

  private checkSignature(req: http.IncomingMessage, url: URL, body: string): Json | null {
    const h = req.headers;
    if (h['ok-access-key'] !== this.apiKey) return { code: '50111', msg: 'Invalid OK-ACCESS-KEY', data: [] };
    if (h['ok-access-passphrase'] !== this.passphrase) return { code: '50105', msg: 'Invalid OK-ACCESS-PASSPHRASE', data: [] };
    const timestamp = String(h['ok-access-timestamp'] ?? '');
    if (Math.abs(Date.now() - Date.parse(timestamp)) > 30_000) return { code: '50102', msg: 'Timestamp request expired', data: [] };
    const expected = createHmac('sha256', this.secret).update(timestamp + req.method + url.pathname + url.search + body).digest('base64');
    return h['ok-access-sign'] === expected ? null : { code: '50113', msg: 'Invalid Sign', data: [] };
  }

  private route(method: string, path: string, p: Json): Json {
    if (method === 'POST' && path === '/api/v5/trade/order') return this.create(p);
    if (method === 'POST' && path === '/api/v5/trade/cancel-order') return this.cancel(p);
    if (method === 'GET' && path === '/api/v5/trade/order') return this.getOrder(p);
    if (method === 'GET' && path === '/api/v5/trade/orders-pending') return this.paged(p, [...this.orders.values()].filter((o) => pending.has(o.state as string) || !['filled', 'canceled', 'mmp_canceled', 'order_failed'].includes(o.state as string)), 'ordId', 'cTime');
    if (method === 'GET' && path === '/api/v5/trade/orders-history') return this.paged(p, [...this.orders.values()].filter((o) => !pending.has(o.state as string)), 'ordId', 'cTime');
    if (method === 'GET' && path === '/api/v5/trade/fills-history') return this.paged(p, this.fills, 'billId', 'ts');
    if (method === 'GET' && path === '/api/v5/account/positions') return ok(this.positions());
    return { code: '50000', msg: `no route ${method} ${path}`, data: [] };
  }

  private create(p: Json): Json {
    const clOrdId = String(p.clOrdId ?? '');
    const refuse = (sCode: string, sMsg: string) => ({ code: '1', msg: 'All operations failed', data: [{ clOrdId, ordId: '', sCode, sMsg, tag: '' }] });
    if (!/^[A-Za-z0-9]{1,32}$/.test(clOrdId)) return refuse('51000', 'Parameter clOrdId error');
    if (this.ordersWithClOrdId(clOrdId).some((o) => pending.has(o.state as string))) return refuse('51016', 'Duplicated client order ID');
    if (!['buy', 'sell'].includes(p.side as string) || !['limit', 'market', 'post_only', 'ioc', 'fok'].includes(p.ordType as string) || typeof p.instId !== 'string') return refuse('51000', 'Parameter error');
    if (p.tdMode !== (this.instType === 'SPOT' ? 'cash' : 'cross')) return refuse('51000', 'Parameter tdMode error');
    if (typeof p.sz !== 'string' || !/^\d+(\.\d+)?$/.test(p.sz) || new Decimal(p.sz).lte(0)) return refuse('51000', 'Parameter sz error');
    if (p.ordType !== 'market' && (typeof p.px !== 'string' || !/^\d+(\.\d+)?$/.test(p.px))) return refuse('51000', 'Parameter px error');
    const ordId = String(this.nextOrderId++);
    const time = String(this.tick());
    const order: Json = {
      ...structuredClone(this.orderTemplate),
      instType: this.instType,
      instId: p.instId,
      ordId,
      clOrdId,
      px: p.px ?? '',
      sz: p.sz,
      ordType: p.ordType,
      side: p.side,
      tdMode: p.tdMode,
      accFillSz: '0',
      avgPx: '',
      fillSz: '0',
      fillPx: '',
      state: 'live',
      fee: '0',
      cTime: time,
      uTime: time,
      reduceOnly: 'false',
    };
    this.orders.set(`${String(p.instId)}:${ordId}`, order);
    return ok([{ clOrdId, ordId, tag: '', sCode: '0', sMsg: 'Order placed' }]);
  }

  private find(p: Json): Json | undefined {
    if (p.ordId !== undefined) return this.orders.get(`${String(p.instId)}:${String(p.ordId)}`);
    return [...this.orders.values()].filter((o) => o.instId === p.instId && o.clOrdId === p.clOrdId).sort((a, b) => Number(b.cTime) - Number(a.cTime))[0];
  }

  private getOrder(p: Json): Json {
    const order = this.find(p);
    return order === undefined ? { code: '51603', msg: 'Order does not exist', data: [] } : ok([order]);
  }

  private cancel(p: Json): Json {
    const order = this.find(p);
    if (order === undefined || !pending.has(order.state as string)) return { code: '1', msg: 'All operations failed', data: [{ clOrdId: '', ordId: String(p.ordId ?? ''), sCode: '51400', sMsg: 'Cancellation failed as the order has been filled, canceled or does not exist', tag: '' }] };
    Object.assign(order, { state: 'canceled', uTime: String(this.tick()) });
    return ok([{ clOrdId: order.clOrdId, ordId: order.ordId, sCode: '0', sMsg: '' }]);
  }

  /** Newest first; `after` returns items older than that id; `begin`/`end` on the time field; at most `limit` (100). */
  private paged(p: Json, items: Json[], idKey: string, timeKey: string): Json {
    if (p.instType !== this.instType) return { code: '51000', msg: 'Parameter instType error', data: [] };
    const limit = Math.min(Number(p.limit ?? 100), 100);
    const list = items
      .filter((i) => p.begin === undefined || Number(i[timeKey]) >= Number(p.begin))
      .filter((i) => p.end === undefined || Number(i[timeKey]) <= Number(p.end))
      .filter((i) => p.after === undefined || BigInt(i[idKey] as string) < BigInt(p.after as string))
      .sort((a, b) => (BigInt(b[idKey] as string) > BigInt(a[idKey] as string) ? 1 : -1));
    return ok(list.slice(0, limit));
  }

  private positions(): Json[] {
    const net = new Map<string, Decimal>();
    for (const f of this.fills) net.set(f.instId as string, (net.get(f.instId as string) ?? new Decimal(0)).plus(new Decimal(f.fillSz as string).times(f.side === 'buy' ? 1 : -1)));
    return [...net].map(([instId, pos]) => ({ instType: 'SWAP', instId, pos: pos.toFixed(), posSide: 'net', avgPx: '0', mgnMode: 'cross', uTime: String(Date.now()) }));
  }

  private tick(): number {
    this.lastTime = Math.max(Date.now(), this.lastTime + 1);
    return this.lastTime;
  }

  private mustGet(venueOrderId: string): Json {
    const order = this.orders.get(venueOrderId);
    if (order === undefined) throw new Error(`fake okx: no order ${venueOrderId}`);
    return order;
  }
}

function ok(data: unknown[]): Json {
  return { code: '0', msg: '', data };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}
