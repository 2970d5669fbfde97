import { z } from 'zod';
import {
  assetClasses,
  findingCategories,
  reconciliationActions,
  decimalCharsMax,
  legsMax,
  legsMin,
  liquiditySides,
  orderRoles,
  orderSenders,
  positionEffects,
  orderSides,
  orderStatuses,
  orderTypes,
  positionSides,
  positionStatuses,
  quarantineKinds,
  timesInForce,
} from '../domain/index.js';
import { fillBatchMax } from '../ledger/index.js';
import { apiEventTypes } from './event-words.js';
import { unparsedItemKinds } from '../venues/index.js';

/**
 * One schema per wire shape: it validates the request, types the handler and writes the OpenAPI
 * document. Field names are the contract in SPEC.md. Objects are strict: an unknown field is an error.
 */
export const stringCharsMax = 200;
export const pageLimitMax = 500;
export const pageLimitDefault = 100;

const decimal = z
  .string()
  .max(decimalCharsMax)
  .regex(/^-?(0|[1-9]\d*)(\.\d+)?$/, 'a decimal string such as "12.5" (no exponent)')
  .refine((v) => !/^-0(\.0+)?$/.test(v), 'zero has no sign: send "0"')
  .describe('decimal as a string');
const positiveDecimal = decimal.refine((v) => !/^-/.test(v) && /[1-9]/.test(v), 'must be greater than zero');
const text = (max = stringCharsMax) => z.string().min(1).max(max);
const id = z.uuid();
/** Timestamps a ledger can hold: from the Unix epoch to the end of year 9999 (PostgreSQL has no year 0). */
export const timestampYearMin = 1970;
export const timestampYearMax = 9999;
const timestamp = z.iso
  .datetime({ offset: true })
  .refine((v) => {
    const ms = Date.parse(v);
    return Number.isFinite(ms) && ms >= Date.UTC(timestampYearMin, 0, 1) && ms < Date.UTC(timestampYearMax + 1, 0, 1) - 14 * 3_600_000;
  }, `a time from ${timestampYearMin} to ${timestampYearMax}`);
const nullableDecimal = decimal.nullable();
const nullableTimestamp = z.string().nullable();

/** Fees per currency: each currency its own sum, never added across currencies. */
const feesByCurrency = z.record(z.string(), decimal).describe('fees per currency (upper case), each summed in its own currency; never converted');

// ---- value sets, each a named component of the OpenAPI document --------------------------------

export const orderStatus = z.enum(orderStatuses).meta({ id: 'OrderStatus' });
export const orderSide = z.enum(orderSides).meta({ id: 'OrderSide' });
export const orderType = z.enum(orderTypes).meta({ id: 'OrderType' });
export const orderRole = z.enum(orderRoles).meta({ id: 'OrderRole' });
export const orderSender = z.enum(orderSenders).meta({ id: 'OrderSender' });
export const assetClass = z.enum(assetClasses).meta({ id: 'AssetClass' });
export const timeInForce = z.enum(timesInForce).meta({ id: 'TimeInForce' });
export const positionSide = z.enum(positionSides).meta({ id: 'PositionSide' });
export const positionStatus = z.enum(positionStatuses).meta({ id: 'PositionStatus' });
export const positionEffect = z.enum(positionEffects).meta({ id: 'PositionEffect' });
export const liquiditySide = z.enum(liquiditySides).meta({ id: 'LiquiditySide' });
export const findingCategory = z.enum(findingCategories).meta({ id: 'FindingCategory' });
export const reconciliationAction = z.enum(reconciliationActions).meta({ id: 'ReconciliationAction' });
export const lifecycleEventType = z.enum(apiEventTypes).meta({ id: 'OrderEventType' });
export const quarantineKind = z.enum(quarantineKinds).meta({ id: 'QuarantineKind' });

export const errorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) }),
}).meta({ id: 'Error' });

// ---- accounts ---------------------------------------------------------------------------------

export const accountCreate = z.strictObject({
  name: text(),
  venue: z.string().regex(/^(paper|alpaca|tradier|tastytrade|manual|ccxt:[a-z0-9]{2,32})$/, 'paper, alpaca, tradier, tastytrade, manual or ccxt:<exchange>'),
  base_currency: z.string().regex(/^[A-Z0-9]{2,10}$/).optional(),
  venue_config: z.record(z.string(), z.unknown()).optional(),
  observe_only: z.boolean().optional().describe('read-only toward the venue: Fillbook reads and reconciles, never places or cancels (default false)'),
  fail_closed: z.boolean().optional().describe('refuse new entries while the latest reconciliation has unresolved findings that say the ledger may be wrong (default true)'),
}).meta({ id: 'AccountCreate' });

export const accountUpdate = z.strictObject({
  observe_only: z.boolean().optional(),
  fail_closed: z.boolean().optional(),
}).meta({ id: 'AccountUpdate' });

export const accountHalt = z.object({
  run_id: id,
  findings: z.record(z.string(), z.number()).describe('unresolved findings per category'),
  halted_at: z.string(),
}).meta({ id: 'AccountHalt' });

export const account = z.object({
  id,
  name: z.string(),
  venue: z.string(),
  base_currency: z.string(),
  venue_config: z.record(z.string(), z.unknown()),
  observe_only: z.boolean(),
  fail_closed: z.boolean(),
  halted: accountHalt.nullable().describe('set while fail_closed holds new entries back: the run and its unresolved findings'),
  created_at: z.string(),
  webhook_secret: z.string().optional().describe('shown once, when the account is created'),
}).meta({ id: 'Account' });

// ---- positions --------------------------------------------------------------------------------

export const positionCreate = z.strictObject({
  account_id: id,
  signal_id: text(),
  symbol: text(64),
  side: positionSide,
  target_quantity: positiveDecimal,
  asset_class: assetClass.optional(),
  multiplier: positiveDecimal.optional(),
}).meta({ id: 'PositionCreate' });

export const positionLeg = z.object({
  symbol: z.string(),
  asset_class: assetClass,
  side: orderSide.describe('the side that opened the leg'),
  qty_opened: decimal,
  qty_closed: decimal,
  qty_open: decimal,
  avg_open_price: nullableDecimal,
  avg_close_price: nullableDecimal,
  realized_pnl: decimal.describe("gross of fees, with the leg's own multiplier"),
}).meta({ id: 'PositionLeg' });

export const position = z.object({
  id,
  account_id: id,
  signal_id: z.string(),
  symbol: z.string(),
  asset_class: assetClass,
  side: positionSide,
  target_quantity: decimal,
  multiplier: decimal,
  status: positionStatus,
  qty_open: decimal,
  qty_entered: decimal,
  qty_exited: decimal,
  avg_entry_price: nullableDecimal,
  avg_exit_price: nullableDecimal,
  realized_pnl: decimal.describe('in quote_currency, net of the fees paid in quote_currency only'),
  fees: decimal.describe('the fees paid in quote_currency (those realized_pnl is net of)'),
  quote_currency: z.string().describe('what prices, P&L and fees are in: the second currency of a pair (BTC/USDT: USDT), else the account base_currency'),
  fees_by_currency: feesByCurrency,
  opened_at: nullableTimestamp,
  closed_at: nullableTimestamp,
  created_at: z.string(),
  legs: z.array(positionLeg).nullable().describe('per leg symbol when the position holds multi-leg orders (quantities above then count units); null otherwise'),
}).meta({ id: 'Position' });

export const positionQuery = z.strictObject({
  account_id: id.optional(),
  limit: z.coerce.number().int().min(1).max(pageLimitMax).default(pageLimitDefault),
  cursor: z.string().max(stringCharsMax).optional(),
});

// ---- orders -----------------------------------------------------------------------------------

export const orderLegCreate = z.strictObject({
  symbol: text(64),
  asset_class: assetClass,
  side: orderSide,
  ratio: positiveDecimal.describe('contracts of this leg per unit of the order'),
  position_effect: positionEffect.optional(),
}).meta({ id: 'OrderLegCreate' });

export const orderCreate = z.strictObject({
  account_id: id,
  symbol: text(64),
  side: orderSide,
  type: orderType,
  quantity: positiveDecimal,
  limit_price: positiveDecimal.optional(),
  stop_price: positiveDecimal.optional(),
  time_in_force: timeInForce.optional(),
  position_id: id.optional(),
  role: orderRole.optional(),
  client_order_id: text(128).optional(),
  asset_class: assetClass.optional(),
  legs: z
    .array(orderLegCreate)
    .min(legsMin)
    .max(legsMax)
    .optional()
    .describe('a multi-leg order (spread): quantity then counts units, side is the net direction (buy: debit, sell: credit), limit_price the net price per unit and symbol a label'),
  submit: z.boolean().optional().describe('false: record only; the bot submits and reports back'),
}).meta({ id: 'OrderCreate' });

export const orderEventCreate = z.strictObject({
  type: lifecycleEventType,
  broker_order_id: text(128).optional(),
  reason: text(1000).optional(),
  quantity: positiveDecimal.optional(),
  limit_price: positiveDecimal.optional(),
  stop_price: positiveDecimal.optional(),
  at: timestamp.optional(),
}).meta({ id: 'OrderEventCreate' });

export const fill = z.object({
  id,
  order_id: id,
  exec_id: z.string(),
  leg: z.number().int().nullable().describe("a multi-leg order's leg (1-based); quantity and price are the leg's"),
  quantity: decimal,
  price: decimal,
  fee: decimal,
  fee_currency: z.string().nullable(),
  liquidity: liquiditySide.nullable(),
  executed_at: z.string(),
  received_at: z.string(),
  source: z.string(),
}).meta({ id: 'Fill' });

export const orderEvent = z.object({
  seq: z.number().int(),
  type: z.string(),
  source: z.string(),
  at: z.string(),
  recorded_at: z.string(),
  payload: z.record(z.string(), z.unknown()),
}).meta({ id: 'OrderEvent' });

export const orderLeg = z.object({
  symbol: z.string(),
  asset_class: assetClass,
  side: orderSide,
  ratio: decimal,
  position_effect: positionEffect.nullable(),
  qty_filled: decimal.describe("in the leg's own contracts"),
  avg_fill_price: nullableDecimal,
}).meta({ id: 'OrderLeg' });

export const order = z.object({
  id,
  account_id: id,
  position_id: id.nullable(),
  client_order_id: z.string(),
  broker_order_id: z.string().nullable(),
  role: orderRole,
  origin: z.string(),
  sent_by: orderSender.describe('who places it at the venue: fillbook (submit: true) or bot (submit: false, or adopted from the venue); Fillbook never sends, re-sends or retries a bot order'),
  symbol: z.string(),
  asset_class: assetClass,
  side: orderSide,
  type: orderType,
  time_in_force: timeInForce,
  quantity: decimal,
  limit_price: nullableDecimal,
  stop_price: nullableDecimal,
  status: orderStatus,
  status_reason: z.string().nullable(),
  qty_filled: decimal,
  qty_remaining: decimal,
  avg_fill_price: nullableDecimal,
  fees: decimal.describe('on reads, the fees paid in quote_currency (fills and fees reported later); on write answers, the running sum of the fills\' fees'),
  fee_currency: z.string().nullable().describe('the first fill\'s fee currency (see fees_by_currency for all)'),
  quote_currency: z.string().optional().describe('on reads: the currency of fees'),
  fees_by_currency: feesByCurrency.optional().describe('on reads (GET): every fee of the order, per currency'),
  version: z.number().int(),
  created_at: z.string(),
  submitted_at: nullableTimestamp,
  accepted_at: nullableTimestamp,
  first_fill_at: nullableTimestamp,
  last_fill_at: nullableTimestamp,
  completed_at: nullableTimestamp,
  canceled_at: nullableTimestamp,
  last_status_check_at: nullableTimestamp,
  updated_at: z.string(),
  first_failed_at: nullableTimestamp,
  last_retry_at: nullableTimestamp,
  retry_count: z.number().int(),
  amended_at: nullableTimestamp,
  detected_at: nullableTimestamp,
  legs: z.array(orderLeg).nullable().describe('null for a single-instrument order; then qty_filled counts complete units and avg_fill_price is the net price per unit'),
}).meta({ id: 'Order' });

export const recordedFee = z.object({
  fee_id: z.string(),
  account_id: id,
  order_id: id.nullable(),
  exec_id: z.string().nullable(),
  symbol: z.string().nullable().describe("null for a fee of the whole account that names no instrument (Alpaca's daily regulatory fee totals)"),
  asset_class: assetClass.nullable(),
  amount: decimal,
  currency: z.string(),
  kind: z.string().nullable(),
  source: z.string(),
  charged_at: z.string(),
  recorded_at: z.string(),
}).meta({ id: 'RecordedFee' });

/** An order's page shows at most this many fills; the rest through `GET /v1/orders/{id}/fills`. */
export const orderDetailFillsMax = 100;

export const quarantinedFill = z
  .object({
    id,
    kind: quarantineKind.describe('conflicting_duplicate: an exec_id seen before with other data; overfill: more than the order (or leg) can take; refused_transition: a fill the order\'s status refuses'),
    exec_id: z.string(),
    leg: z.number().int().nullable(),
    quantity: nullableDecimal,
    price: nullableDecimal,
    fee: nullableDecimal,
    executed_at: nullableTimestamp,
    source: z.string().nullable(),
    reason: z.string(),
    received_at: z.string(),
  })
  .meta({ id: 'QuarantinedFill' });

export const orderDetail = order
  .extend({
    fills: z.array(fill).describe(`the first ${orderDetailFillsMax} fills in execution order`),
    fills_next_cursor: z.string().nullable().describe('more fills: GET /v1/orders/{id}/fills?cursor=<this>'),
    quarantined_fills: z.array(quarantinedFill).describe('fills delivered for this order but kept aside, not applied (oldest first, at most 200)'),
    events: z.array(orderEvent),
    recorded_fees: z.array(recordedFee).optional().describe('fees the venue reported apart from the fills (POST /v1/fees), counted in fees_by_currency'),
  })
  .meta({ id: 'OrderDetail' });

export const fillQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(pageLimitMax).default(pageLimitDefault),
  cursor: z.string().max(stringCharsMax).optional(),
});

// The document shows the list as what it is on the wire, statuses joined by commas (form style,
// not exploded: set on orderQuery, where fastify-swagger reads it), so that a generated client
// types and writes it as an array of OrderStatus.
const statusList = z
  .string()
  .refine((v) => v.length <= stringCharsMax, `at most ${stringCharsMax} characters`)
  .meta({ type: 'array', items: { $ref: '#/components/schemas/OrderStatus' }, description: 'one or more statuses, comma-separated' })
  .transform((v) => v.split(','))
  .pipe(z.array(orderStatus).min(1));

export const orderQuery = z.strictObject({
  account_id: id.optional(),
  status: statusList.optional(),
  symbol: text(64).optional(),
  position_id: id.optional(),
  signal_id: text().optional(),
  since: timestamp.optional(),
  limit: z.coerce.number().int().min(1).max(pageLimitMax).default(pageLimitDefault),
  cursor: z.string().max(stringCharsMax).optional(),
}).meta({ style: 'form', explode: false });

export const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), next_cursor: z.string().nullable() });

// ---- fills ------------------------------------------------------------------------------------

export const fillCreate = z
  .strictObject({
    exec_id: text(),
    quantity: positiveDecimal,
    price: decimal,
    leg: z.number().int().min(1).max(legsMax).optional().describe("required for a multi-leg order's fill: its leg, 1-based"),
    order_id: id.optional(),
    account_id: id.optional(),
    client_order_id: text(128).optional(),
    broker_order_id: text(128).optional(),
    fee: decimal.optional(),
    fee_currency: z.string().regex(/^[A-Za-z0-9]{1,10}$/).optional(),
    liquidity: liquiditySide.optional(),
    executed_at: timestamp.optional(),
  })
  .refine(
    (f) =>
      (f.order_id !== undefined && f.client_order_id === undefined && f.broker_order_id === undefined) ||
      (f.order_id === undefined && f.account_id !== undefined && (f.client_order_id === undefined) !== (f.broker_order_id === undefined)),
    { message: 'address the order by order_id, or by account_id with client_order_id or broker_order_id' },
  ).meta({ id: 'FillCreate' });

export const fillResult = z.object({ outcome: z.enum(['recorded', 'duplicate']), fill, order }).meta({ id: 'FillResult' });

// ---- fees reported apart from their fills -----------------------------------------------------

export const feeCreate = z
  .strictObject({
    account_id: id,
    fee_id: text().describe("the venue's id for the fee (an Alpaca activity id): the redelivery key"),
    order_id: id.optional(),
    client_order_id: text(128).optional(),
    broker_order_id: text(128).optional(),
    exec_id: text().optional().describe('the fill it belongs to (a fill of the order)'),
    symbol: text(64).optional().describe('required without an order'),
    asset_class: assetClass.optional(),
    amount: decimal.describe('positive: paid; negative: a rebate'),
    currency: z.string().regex(/^[A-Za-z0-9]{1,10}$/),
    kind: text().optional().describe("the venue's word for it (CFEE, FEE, PTC)"),
    charged_at: timestamp.optional(),
  })
  .refine((f) => [f.order_id, f.client_order_id, f.broker_order_id].filter((x) => x !== undefined).length <= 1, { message: 'address the order by one of order_id, client_order_id or broker_order_id' })
  .refine((f) => f.symbol !== undefined || f.order_id !== undefined || f.client_order_id !== undefined || f.broker_order_id !== undefined, { message: 'a fee names its order, or its symbol when it belongs to none' })
  .meta({ id: 'FeeCreate' });

export const feeResult = z.object({ outcome: z.enum(['recorded', 'duplicate']), fee: recordedFee }).meta({ id: 'FeeResult' });

export const fillOutcomes = ['recorded', 'duplicate', 'conflict', 'overfill', 'refused'] as const;

/**
 * Each fill of a batch is checked on its own (against `fillCreate`), so that a malformed fill is
 * refused alone and never fails its neighbours.
 */
export const fillBatchCreate = z.strictObject({
  fills: z
    .array(z.unknown().describe('a fill, as the body of POST /v1/fills'))
    .min(1)
    .max(fillBatchMax)
    .describe(`at most ${fillBatchMax} fills, answered in this order`),
}).meta({ id: 'FillBatchCreate' });

export const fillBatchResult = z.object({
  results: z.array(
    z.object({
      exec_id: z.string(),
      outcome: z.enum(fillOutcomes).describe('conflict and overfill are quarantined, as is a fill the order\'s status refuses'),
      fill: fill.optional().describe('the fill as recorded: for recorded and duplicate'),
      error: errorResponse.shape.error.optional().describe('why the fill was not recorded: for conflict, overfill and refused'),
    }),
  ),
}).meta({ id: 'FillBatchResult' });

// ---- holdings and metrics ---------------------------------------------------------------------

export const accountQuery = z.strictObject({ account_id: id });
export const performanceQuery = z.strictObject({ account_id: id, currency: z.string().regex(/^[A-Za-z0-9]{1,10}$/).optional() });

export const holding = z.object({ account_id: id, symbol: z.string(), asset_class: assetClass, net_quantity: decimal, avg_cost: nullableDecimal }).meta({ id: 'Holding' });

export const performance = z.object({
  account_id: id,
  closed_positions: z.number().int(),
  wins: z.number().int(),
  losses: z.number().int(),
  win_rate: nullableDecimal,
  profit_factor: nullableDecimal,
  avg_win: nullableDecimal,
  avg_loss: nullableDecimal,
  expectancy: nullableDecimal,
  currency: z.string().describe('the quote currency of the figures: over the closed positions quoted in it'),
  total_fees: decimal.describe('fees paid in currency'),
  realized_pnl: decimal.describe('in currency, net of the fees paid in currency'),
  realized_pnl_by_currency: z.record(z.string(), decimal).describe('every closed position, per quote currency'),
  fees_by_currency: feesByCurrency,
  max_drawdown: decimal,
  equity_curve: z.array(z.object({ at: z.string(), equity: decimal })),
}).meta({ id: 'Performance' });

// ---- paper venue controls ---------------------------------------------------------------------

const silent = z.boolean().optional().describe('change the venue without telling the ledger');

export const paperFill = z.strictObject({ quantity: positiveDecimal, price: decimal, silent }).meta({ id: 'PaperFill' });
export const paperCancel = z.strictObject({ silent }).meta({ id: 'PaperCancel' });
export const paperOrder = z.strictObject({
  symbol: text(64),
  side: orderSide,
  type: orderType,
  quantity: positiveDecimal,
  limit_price: positiveDecimal.optional(),
  stop_price: positiveDecimal.optional(),
  asset_class: assetClass.optional(),
  time_in_force: timeInForce.optional(),
  client_order_id: text(128).optional(),
  silent,
}).meta({ id: 'PaperOrder' });

export const venueOrder = z.object({
  broker_order_id: z.string(),
  client_order_id: z.string().nullable(),
  symbol: z.string(),
  side: orderSide,
  type: orderType,
  quantity: decimal,
  filled_quantity: decimal,
  status: orderStatus,
}).meta({ id: 'VenueOrder' });

export const venueFill = z.object({ exec_id: z.string(), broker_order_id: z.string(), quantity: decimal, price: decimal, executed_at: z.string() }).meta({ id: 'VenueFill' });

// ---- reconciliation ---------------------------------------------------------------------------

export const reconciliationCreate = z.strictObject({
  account_id: id,
  actions: z.array(reconciliationAction).max(reconciliationActions.length).optional().describe('none: a dry run'),
}).meta({ id: 'ReconciliationCreate' });

export const finding = z.object({
  seq: z.number().int(),
  category: findingCategory,
  order_id: id.nullable(),
  broker_order_id: z.string().nullable(),
  symbol: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  action_taken: z.string().nullable(),
}).meta({ id: 'Finding' });

export const reconciliationRun = z.object({
  id,
  account_id: id,
  started_by: z.string(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  dry_run: z.boolean(),
  actions: z.array(z.string()),
  status: z.enum(['running', 'completed', 'failed']),
  summary: z.record(z.string(), z.number()),
  error: z.string().nullable(),
  findings: z.array(finding).optional(),
}).meta({ id: 'Reconciliation' });

/** `GET /v1/venue-items`: the venue items an adapter could not read, kept raw (src/service/unparsed-items.ts). */
export const venueItemQuery = z.strictObject({
  account_id: id,
  limit: z.coerce.number().int().min(1).max(pageLimitMax).default(pageLimitDefault),
  cursor: z.string().max(stringCharsMax).optional(),
});

export const venueItem = z.object({
  account_id: id,
  venue: z.string(),
  kind: z.enum(unparsedItemKinds),
  venue_item_id: z.string().nullable().describe("the venue's id for the item when one could be read"),
  payload: z.unknown().describe('the item as the venue sent it (numbers as their digits, in strings)'),
  reason: z.string().describe('what could not be read'),
  first_seen_at: z.string(),
  last_seen_at: z.string(),
  times_seen: z.number().int(),
}).meta({ id: 'VenueItem' });
