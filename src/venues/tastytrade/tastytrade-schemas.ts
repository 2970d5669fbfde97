import { z } from 'zod';
import { Decimal } from '../../domain/index.js';

/**
 * tastytrade's raw payloads, parsed at the edge. Keys are dasherized. Decimals arrive mostly as
 * strings ("175.25") but some quantities as JSON numbers (`"quantity": 100`), and JSON.parse has
 * already turned those into binary floats. A float is accepted only when its shortest decimal
 * form has at most 15 significant digits: every decimal text of 15 or fewer significant digits
 * survives the trip to a double and back unchanged, so the string we keep is the one tastytrade
 * sent. Anything longer is refused rather than silently rounded.
 */
const decimalText = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const exactDigitsMax = 15;
const significantDigits = (text: string) => text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').length;

export const tastyDecimal = z.unknown().transform((value, ctx) => {
  if (typeof value === 'string' && value.length <= 64 && decimalText.test(value)) return new Decimal(value);
  if (typeof value === 'number' && Number.isFinite(value) && decimalText.test(String(value))) {
    if (significantDigits(String(value)) <= exactDigitsMax) return new Decimal(String(value));
    ctx.addIssue({ code: 'custom', message: `${value} has more than ${exactDigitsMax} significant digits as a JSON number, so it cannot be read exactly (at most ${exactDigitsMax} significant digits)` });
    return z.NEVER;
  }
  ctx.addIssue({ code: 'custom', message: `expected a decimal string such as "12.5" or a plain JSON number; got ${JSON.stringify(value)?.slice(0, 40)}` });
  return z.NEVER;
});

/** Instants arrive as ISO strings ("2026-11-20T14:30:00.123+00:00") or epoch milliseconds (`updated-at` on streamer messages). */
export const tastyInstant = z.union([z.number().int().nonnegative(), z.string().min(10).max(64)]).transform((value, ctx) => {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: `not a timestamp: ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return date.toISOString();
});

const tastyId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]).transform(String);

/*
 * One fill of one leg; tastytrade resends every fill of the order on every update, so `fill-id`
 * is the identity. Made-up example:
 *   {"fill-id":"1_TW::X1::20261120.1170-F1","quantity":"2","fill-price":"175.2","filled-at":"2026-11-20T14:31:02.250+00:00",
 *    "destination-venue":"TEST_A","ext-group-fill-id":"0","ext-exec-id":"0"}
 */
export const tastyFillSchema = z.object({
  'fill-id': z.string().min(1).max(200),
  quantity: tastyDecimal,
  'fill-price': tastyDecimal,
  'filled-at': tastyInstant,
  'destination-venue': z.string().max(100).nullish(),
  'ext-group-fill-id': z.string().max(200).nullish(),
  'ext-exec-id': z.string().max(200).nullish(),
});
export type TastyFill = z.infer<typeof tastyFillSchema>;

/*
 * An order leg. Made-up example:
 *   {"instrument-type":"Equity","symbol":"AAPL","quantity":5,"remaining-quantity":3,"action":"Buy to Open","fills":[...]}
 */
export const tastyLegSchema = z.object({
  'instrument-type': z.string().min(1).max(40),
  symbol: z.string().min(1).max(64),
  quantity: tastyDecimal,
  'remaining-quantity': tastyDecimal.nullish(),
  action: z.string().min(1).max(40),
  fills: z.array(tastyFillSchema).max(10_000).nullish(),
});
export type TastyLeg = z.infer<typeof tastyLegSchema>;

/*
 * An order, as the REST API and the account streamer send it. Made-up example:
 *   {"id":81234,"account-number":"5WT00001","time-in-force":"Day","order-type":"Limit","size":"5","underlying-symbol":"AAPL",
 *    "underlying-instrument-type":"Equity","price":"175.25","price-effect":"Debit","status":"Live","cancellable":true,
 *    "editable":true,"edited":false,"external-identifier":"fb-3b1f0c2e","received-at":"2026-11-20T14:30:00.120+00:00",
 *    "updated-at":1795185000250,"legs":[{"instrument-type":"Equity","symbol":"AAPL","quantity":5,"remaining-quantity":5,
 *    "action":"Buy to Open","fills":[]}]}
 * A vertical spread (two units of a bull call spread, net debit 3.00, the long leg filled, the short
 * leg half filled); `size` counts spreads and each leg's `quantity` its own contracts:
 *   {"id":81240,"account-number":"5WT00001","time-in-force":"Day","order-type":"Limit","size":"2","underlying-symbol":"SPY",
 *    "underlying-instrument-type":"Equity","price":"3.0","price-effect":"Debit","status":"Live","external-identifier":"fb-77ac",
 *    "received-at":"2026-11-20T14:30:00.120+00:00","updated-at":1795185000900,"legs":[
 *    {"instrument-type":"Equity Option","symbol":"SPY   261218C00100000","quantity":2,"remaining-quantity":0,"action":"Buy to Open",
 *     "fills":[{"fill-id":"1_TW::X9::20261120.1-F1","quantity":"2","fill-price":"5.0","filled-at":"2026-11-20T14:30:01.000+00:00"}]},
 *    {"instrument-type":"Equity Option","symbol":"SPY   261218C00110000","quantity":2,"remaining-quantity":1,"action":"Sell to Open",
 *     "fills":[{"fill-id":"1_TW::X9::20261120.1-F2","quantity":"1","fill-price":"2.0","filled-at":"2026-11-20T14:30:01.200+00:00"}]}]}
 */
export const tastyOrderSchema = z.object({
  id: tastyId,
  'account-number': z.string().min(1).max(32),
  'time-in-force': z.string().min(1).max(20),
  'order-type': z.string().min(1).max(40),
  size: tastyDecimal.nullish(),
  'underlying-symbol': z.string().max(64).nullish(),
  price: tastyDecimal.nullish(),
  'price-effect': z.string().max(20).nullish(),
  'stop-trigger': tastyDecimal.nullish(),
  status: z.string().min(1).max(40),
  'external-identifier': z.string().max(255).nullish(),
  'reject-reason': z.string().max(2000).nullish(),
  'received-at': tastyInstant.nullish(),
  'updated-at': tastyInstant.nullish(),
  'terminal-at': tastyInstant.nullish(),
  'cancelled-at': tastyInstant.nullish(),
  'live-at': tastyInstant.nullish(),
  'in-flight-at': tastyInstant.nullish(),
  'replacing-order-id': tastyId.nullish(),
  'replaces-order-id': tastyId.nullish(),
  legs: z.array(tastyLegSchema).min(1).max(10),
});
export type TastyOrder = z.infer<typeof tastyOrderSchema>;

/*
 * A position. Made-up example:
 *   {"account-number":"5WT00001","symbol":"AAPL","instrument-type":"Equity","underlying-symbol":"AAPL","quantity":"4",
 *    "quantity-direction":"Long","average-open-price":"175.2"}
 */
export const tastyPositionSchema = z.object({
  symbol: z.string().min(1).max(64),
  'instrument-type': z.string().min(1).max(40),
  quantity: tastyDecimal,
  'quantity-direction': z.enum(['Long', 'Short', 'Zero']),
});

/*
 * Envelopes. Made-up examples:
 *   single  {"data":{...order...},"context":"/accounts/5WT00001/orders/81234"}
 *   list    {"data":{"items":[...]},"context":"/accounts/5WT00001/orders","pagination":{"per-page":100,"page-offset":0,
 *            "item-offset":0,"total-items":3,"total-pages":1,"current-item-count":3}}
 *   placed  {"data":{"order":{...},"warnings":[],"buying-power-effect":{...}},"context":"/accounts/5WT00001/orders"}
 *   error   {"error":{"code":"preflight_check_failure","message":"One or more preflight checks failed",
 *            "errors":[{"code":"insufficient_funds","message":"..."}]}}
 */
export const tastySingle = <T extends z.ZodType>(item: T) => z.object({ data: item });
export const tastyList = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.object({ items: z.array(item).max(10_000) }),
    pagination: z.object({ 'page-offset': z.number().int().nonnegative(), 'total-pages': z.number().int().nonnegative() }).nullish(),
  });
export const tastyPlacedSchema = z.object({ data: z.object({ order: tastyOrderSchema }) });
export const tastyErrorSchema = z.object({
  error: z.object({
    code: z.string().max(200).nullish(),
    message: z.string().max(2000).nullish(),
    errors: z.array(z.object({ code: z.string().max(200).nullish(), message: z.string().max(2000).nullish() })).max(50).nullish(),
  }),
});

/*
 * Authentication. Made-up examples:
 *   POST /oauth/token  {"access_token":"eyJhbGciOi...","token_type":"Bearer","expires_in":900}
 * (The password login, POST /sessions, was decommissioned on 2026-02-11: OAuth2 only.)
 */
export const tastyOauthTokenSchema = z.object({ access_token: z.string().min(1).max(10_000), expires_in: z.number().int().positive().max(86_400) });

/*
 * Account streamer messages: answers to our actions and notifications. Made-up examples:
 *   {"status":"ok","action":"connect","web-socket-session-id":"f3a1","value":["5WT00001"],"request-id":1}
 *   {"status":"ok","action":"heartbeat","web-socket-session-id":"f3a1","request-id":2}
 *   {"status":"error","action":"connect","message":"invalid auth token","request-id":1}
 *   {"type":"Order","data":{...order...},"timestamp":1795185000250}
 *   {"type":"AccountBalance","data":{...},"timestamp":1795185000250}   (not an order: ignored)
 */
export const tastyStreamerReplySchema = z.object({
  status: z.string().max(20),
  action: z.string().max(60),
  message: z.string().max(2000).nullish(),
  'request-id': z.union([z.number(), z.string()]).nullish(),
});
export const tastyStreamerNotificationSchema = z.object({ type: z.string().min(1).max(60), data: z.unknown(), timestamp: tastyInstant.nullish() });
