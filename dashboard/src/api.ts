/**
 * The one client of the Fillbook API. The session lives in an HttpOnly cookie the browser sends by
 * itself; every state-changing request also carries the session's CSRF token in `x-csrf-token`.
 * Decimals stay strings (as the API sends them) until they are formatted for display.
 */

export type Decimal = string;

export interface User {
  id: string;
  name: string;
}

export interface Account {
  id: string;
  name: string;
  venue: string;
  base_currency: string;
  venue_config: Record<string, unknown>;
  created_at: string;
}

export const orderStatuses = [
  'pending_submit',
  'submitted',
  'open',
  'partially_filled',
  'pending_cancel',
  'filled',
  'canceled',
  'rejected',
  'expired',
  'replaced',
  'failed',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];
/** The order may still trade at the venue (or is about to be sent there). */
export const workingStatuses: readonly OrderStatus[] = ['pending_submit', 'submitted', 'open', 'partially_filled', 'pending_cancel'];
export const isWorking = (status: OrderStatus) => workingStatuses.includes(status);

export type OrderRole = 'entry' | 'exit' | 'stop_loss' | 'take_profit' | 'manual';

export interface Order {
  id: string;
  account_id: string;
  position_id: string | null;
  client_order_id: string;
  broker_order_id: string | null;
  role: OrderRole;
  origin: string;
  symbol: string;
  asset_class: string;
  side: 'buy' | 'sell';
  type: 'market' | 'limit' | 'stop' | 'stop_limit' | 'trailing_stop';
  time_in_force: string;
  quantity: Decimal;
  limit_price: Decimal | null;
  stop_price: Decimal | null;
  status: OrderStatus;
  status_reason: string | null;
  qty_filled: Decimal;
  qty_remaining: Decimal;
  avg_fill_price: Decimal | null;
  /** On reads, the fees paid in quote_currency. */
  fees: Decimal;
  fee_currency: string | null;
  quote_currency?: string;
  /** On reads: every fee of the order, per currency (never summed across currencies). */
  fees_by_currency?: Record<string, Decimal>;
  version: number;
  created_at: string;
  submitted_at: string | null;
  accepted_at: string | null;
  first_fill_at: string | null;
  last_fill_at: string | null;
  completed_at: string | null;
  canceled_at: string | null;
  last_status_check_at: string | null;
  updated_at: string;
  first_failed_at: string | null;
  last_retry_at: string | null;
  retry_count: number;
  amended_at: string | null;
  detected_at: string | null;
  /** A multi-leg order's legs (then quantities count units); null for one instrument. */
  legs: OrderLeg[] | null;
}

export interface OrderLeg {
  symbol: string;
  asset_class: string;
  side: 'buy' | 'sell';
  ratio: Decimal;
  position_effect: 'open' | 'close' | null;
  qty_filled: Decimal;
  avg_fill_price: Decimal | null;
}

export interface Fill {
  id: string;
  order_id: string;
  exec_id: string;
  leg: number | null;
  quantity: Decimal;
  price: Decimal;
  fee: Decimal;
  fee_currency: string | null;
  liquidity: 'maker' | 'taker' | null;
  executed_at: string;
  received_at: string;
  source: string;
}

export interface OrderEvent {
  seq: number;
  type: string;
  source: string;
  at: string;
  recorded_at: string;
  payload: Record<string, unknown>;
}

/** A fee the venue reported apart from its fill (POST /v1/fees, Alpaca fee activities). */
export interface RecordedFee {
  fee_id: string;
  account_id: string;
  order_id: string | null;
  exec_id: string | null;
  symbol: string;
  asset_class: string;
  amount: Decimal;
  currency: string;
  kind: string | null;
  source: string;
  charged_at: string;
  recorded_at: string;
}

export interface OrderDetail extends Order {
  fills: Fill[];
  events: OrderEvent[];
  recorded_fees?: RecordedFee[];
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface Position {
  id: string;
  account_id: string;
  signal_id: string;
  symbol: string;
  asset_class: string;
  side: 'long' | 'short';
  target_quantity: Decimal;
  multiplier: Decimal;
  status: 'pending_entry' | 'open' | 'closing' | 'closed' | 'failed';
  qty_open: Decimal;
  qty_entered: Decimal;
  qty_exited: Decimal;
  avg_entry_price: Decimal | null;
  avg_exit_price: Decimal | null;
  /** In quote_currency, net of the fees paid in it only. */
  realized_pnl: Decimal;
  fees: Decimal;
  quote_currency: string;
  fees_by_currency: Record<string, Decimal>;
  opened_at: string | null;
  closed_at: string | null;
  created_at: string;
}

export interface Holding {
  account_id: string;
  symbol: string;
  asset_class: string;
  net_quantity: Decimal;
  avg_cost: Decimal | null;
}

export interface Performance {
  account_id: string;
  closed_positions: number;
  wins: number;
  losses: number;
  win_rate: Decimal | null;
  profit_factor: Decimal | null;
  avg_win: Decimal | null;
  avg_loss: Decimal | null;
  expectancy: Decimal | null;
  /** The quote currency of the figures. */
  currency: string;
  total_fees: Decimal;
  realized_pnl: Decimal;
  realized_pnl_by_currency: Record<string, Decimal>;
  fees_by_currency: Record<string, Decimal>;
  max_drawdown: Decimal;
  equity_curve: { at: string; equity: Decimal }[];
}

export const findingCategories = [
  'missing_at_broker',
  'orphaned_at_broker',
  'fill_mismatch',
  'status_mismatch',
  'stuck_submission',
  'holding_mismatch',
  'unprotected_position',
  'unparsed_venue_item',
] as const;
export type FindingCategory = (typeof findingCategories)[number] | 'matched';

export const reconciliationActions = ['clear_invalid', 'cancel_orphaned', 'adopt_orphaned', 'import_fills'] as const;
export type ReconciliationAction = (typeof reconciliationActions)[number];

export interface Finding {
  seq: number;
  category: FindingCategory;
  order_id: string | null;
  broker_order_id: string | null;
  symbol: string | null;
  details: Record<string, unknown>;
  action_taken: string | null;
}

export interface ReconciliationRun {
  id: string;
  account_id: string;
  started_by: string;
  started_at: string;
  finished_at: string | null;
  dry_run: boolean;
  actions: string[];
  status: 'running' | 'completed' | 'failed';
  summary: Record<string, number>;
  error: string | null;
  findings?: Finding[];
}

/** An error answer of the API (`{"error":{"code","message","details"}}`), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let onSignedOut: () => void = () => {};

/** Called when any request answers 401: the session ended (signed out elsewhere, expired). */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? null : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Fillbook could not be reached; check that `fillbook serve` is running.');
  }
  const text = await response.text();
  const json: unknown = text === '' ? undefined : safeJson(text);
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (response.status === 401 && !path.startsWith('/auth/') && csrfToken !== null) {
      // Signed in a moment ago, refused now (not a late answer after signing out).
      csrfToken = null;
      onSignedOut();
    }
    throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? `${method} ${path} answered ${response.status}`);
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Query strings without the empty values. */
function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

interface SessionAnswer {
  user: User;
  csrf_token: string;
}

export interface OrderFilter {
  account_id?: string;
  status?: string;
  symbol?: string;
  position_id?: string;
  since?: string;
  limit?: number;
  cursor?: string;
}

export const api = {
  async session(): Promise<User | null> {
    try {
      const s = await request<SessionAnswer>('GET', '/auth/session');
      csrfToken = s.csrf_token;
      return s.user;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  },
  async signIn(name: string, password: string): Promise<User> {
    const s = await request<SessionAnswer>('POST', '/auth/login', { name, password });
    csrfToken = s.csrf_token;
    return s.user;
  },
  async signOut(): Promise<void> {
    try {
      await request('POST', '/auth/logout');
    } finally {
      csrfToken = null;
    }
  },

  accounts: () => request<{ data: Account[] }>('GET', '/v1/accounts').then((r) => r.data),
  orders: (filter: OrderFilter) => request<Page<Order>>('GET', `/v1/orders${query({ ...filter })}`),
  order: (id: string) => request<OrderDetail>('GET', `/v1/orders/${encodeURIComponent(id)}`),
  cancelOrder: (id: string) => request<Order>('POST', `/v1/orders/${encodeURIComponent(id)}/cancel`),
  positions: (accountId?: string) => request<{ data: Position[] }>('GET', `/v1/positions${query({ account_id: accountId })}`).then((r) => r.data),
  holdings: (accountId: string) => request<{ data: Holding[] }>('GET', `/v1/holdings${query({ account_id: accountId })}`).then((r) => r.data),
  performance: (accountId: string) => request<Performance>('GET', `/v1/metrics/performance${query({ account_id: accountId })}`),
  reconcile: (accountId: string, actions: ReconciliationAction[]) => request<ReconciliationRun>('POST', '/v1/reconciliations', { account_id: accountId, actions }),
  reconciliations: (accountId: string) => request<{ data: ReconciliationRun[] }>('GET', `/v1/reconciliations${query({ account_id: accountId })}`).then((r) => r.data),
  reconciliation: (id: string) => request<ReconciliationRun>('GET', `/v1/reconciliations/${encodeURIComponent(id)}`),

  /** Every order in a working status (all pages), e.g. to see which positions are protected. */
  async workingOrders(accountId?: string): Promise<Order[]> {
    const all: Order[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.orders({ account_id: accountId, status: workingStatuses.join(','), limit: 500, cursor });
      all.push(...page.data);
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
    return all;
  },
};
