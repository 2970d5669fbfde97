import { z } from 'zod';
import { Decimal } from '../../domain/index.js';
import { parsePayload } from './ccxt-items.js';

/**
 * Bybit v5's raw payloads, parsed at the edge. Bybit sends every decimal as a string ("0.001",
 * "30000.5") and an absent one as "" — these strings are read straight into Decimal. ccxt's
 * unified orders and trades would have turned them into binary floats (`amount: 0.1`), which is
 * why the adapter reads the raw responses that ccxt's implicit API methods return untouched.
 */
const decimalText = /^-?(0|[1-9]\d*)(\.\d+)?$/;
export const bybitDecimal = z
  .string()
  .max(64)
  .regex(decimalText, 'a decimal string such as "0.001"')
  .transform((s) => new Decimal(s));
/** "" (and, for prices, "0") stand for "none". */
export const bybitOptionalDecimal = z
  .union([z.literal(''), z.string().max(64).regex(decimalText, 'a decimal string or ""')])
  .nullish()
  .transform((s) => (s === '' || s === null || s === undefined ? null : new Decimal(s)));
/** Milliseconds since the epoch, as a string ("1795185000250"). */
export const bybitMillis = z
  .union([z.string().regex(/^\d{1,16}$/), z.number().int().nonnegative()])
  .transform((v) => new Date(Number(v)).toISOString());

/*
 * An order, from GET /v5/order/realtime, /v5/order/history and the `order` topic. Made-up example:
 *   {"orderId":"1795185000000000001","orderLinkId":"fb_3b1f0c2e9a8d4c7fb2d5e6a1c0f9b8e7","symbol":"BTCUSDT","price":"20000",
 *    "qty":"0.004","side":"Buy","orderStatus":"PartiallyFilled","cancelType":"UNKNOWN","rejectReason":"EC_NoError",
 *    "avgPrice":"20000","leavesQty":"0.003","cumExecQty":"0.001","cumExecValue":"20","cumExecFee":"0.011",
 *    "timeInForce":"GTC","orderType":"Limit","triggerPrice":"","createdTime":"1795185000250","updatedTime":"1795185001250",
 *    "category":"linear"}
 */
export const bybitOrderSchema = z.object({
  orderId: z.string().min(1).max(64),
  orderLinkId: z.string().max(64),
  symbol: z.string().min(1).max(64),
  price: bybitOptionalDecimal,
  qty: bybitDecimal,
  side: z.string().max(10),
  orderStatus: z.string().min(1).max(40),
  rejectReason: z.string().max(200).nullish(),
  avgPrice: bybitOptionalDecimal,
  cumExecQty: bybitDecimal,
  timeInForce: z.string().max(20),
  orderType: z.string().max(20),
  triggerPrice: bybitOptionalDecimal,
  createdTime: bybitMillis,
  updatedTime: bybitMillis,
  category: z.string().max(20).nullish(),
});
export type BybitOrder = z.infer<typeof bybitOrderSchema>;

/*
 * An execution (one fill), from GET /v5/execution/list and the `execution` topic. Made-up example:
 *   {"symbol":"BTCUSDT","orderId":"1795185000000000001","orderLinkId":"fb_3b1f0c2e9a8d4c7fb2d5e6a1c0f9b8e7","side":"Buy",
 *    "orderPrice":"20000","orderQty":"0.004","leavesQty":"0.003","orderType":"Limit","execFee":"0.011","execId":
 *    "0e3a2b6c-4d5f-4e71-9a2b-7c1d0e9f8a6b","execPrice":"20000","execQty":"0.001","execType":"Trade","execValue":"20",
 *    "execTime":"1795185001250","isMaker":true,"feeRate":"0.00055","feeCurrency":"USDT","feeCoin":"USDT","seq":4688002127,"category":"linear"}
 */
export const bybitExecutionSchema = z.object({
  execId: z.string().min(1).max(100),
  orderId: z.string().max(64),
  orderLinkId: z.string().max(64),
  symbol: z.string().min(1).max(64),
  side: z.string().max(10),
  execQty: bybitDecimal,
  execPrice: bybitDecimal,
  execFee: bybitDecimal,
  execType: z.string().max(40), // "" on a classic account's spot executions
  execTime: bybitMillis,
  isMaker: z.boolean(),
  feeCurrency: z.string().max(20).nullish(),
  feeCoin: z.string().max(20).nullish(),
  category: z.string().max(20).nullish(),
});
export type BybitExecution = z.infer<typeof bybitExecutionSchema>;

/*
 * A position, from GET /v5/position/list. Made-up example (one-way mode; hedge mode lists one per side):
 *   {"positionIdx":0,"symbol":"BTCUSDT","side":"Buy","size":"0.004","avgPrice":"20000","positionValue":"80",
 *    "leverage":"10","markPrice":"20100","unrealisedPnl":"0.4","updatedTime":"1795185001250"}
 */
export const bybitPositionSchema = z.object({
  symbol: z.string().min(1).max(64),
  side: z.string().max(10),
  size: bybitDecimal,
});

/*
 * Response envelopes. Made-up examples:
 *   list    {"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[...],"nextPageCursor":"page_args%3D2"},
 *            "retExtInfo":{},"time":1795185001300}
 *   create  {"retCode":0,"retMsg":"OK","result":{"orderId":"1795185000000000001","orderLinkId":"fb_3b1f..."},"retExtInfo":{},"time":1795185000260}
 * A non-zero retCode never reaches these: ccxt turns it into an exception first (10006 -> RateLimitExceeded).
 */
export const bybitListEnvelope = <T extends z.ZodType>(item: T) =>
  z.object({ retCode: z.literal(0), result: z.object({ list: z.array(item).max(1_000), nextPageCursor: z.string().max(2_000).nullish() }) });
/** A list whose items are read one by one (an unreadable one is kept raw, the others go on). */
export const bybitRawListEnvelope = bybitListEnvelope(z.unknown());
export const bybitOrderIdsEnvelope = z.object({ retCode: z.literal(0), result: z.object({ orderId: z.string().min(1).max(64), orderLinkId: z.string().max(64) }) });

/*
 * Private WebSocket (wss://stream.bybit.com/v5/private). Made-up examples:
 *   {"success":true,"ret_msg":"","op":"auth","conn_id":"cejreaspqfh3sjdnldmg-p"}
 *   {"success":true,"ret_msg":"","op":"subscribe","conn_id":"cejreaspqfh3sjdnldmg-p","req_id":"fillbook-1"}
 *   {"req_id":"fillbook-2","op":"pong","args":["1795185001300"],"conn_id":"cejreaspqfh3sjdnldmg-p"}
 *   {"id":"5923240c6880ab-c59f-420b-aa4e","topic":"order","creationTime":1795185001250,"data":[{...order...}]}
 *   {"id":"592324803b2785-26fa-4214-9963","topic":"execution","creationTime":1795185001250,"data":[{...execution...}]}
 */
export const bybitWsReplySchema = z.object({ op: z.string().max(40), success: z.boolean().nullish(), ret_msg: z.string().max(2_000).nullish() });
export const bybitWsTopicSchema = z.object({ topic: z.string().min(1).max(60), data: z.array(z.unknown()).max(1_000) });

export const parseBybit = <T extends z.ZodType>(schema: T, json: unknown, what: string): z.infer<T> => parsePayload('bybit', schema, json, what);
