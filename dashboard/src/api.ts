/**
 * The one client of the Fillbook API. The session lives in an HttpOnly cookie the browser sends by
 * itself; every state-changing request also carries the session's CSRF token in `x-csrf-token`.
 * Decimals stay strings (as the API sends them) until they are formatted for display.
 */

import type { components } from './api/schema';
import { alertKindValues, findingCategoryValues, orderStatusValues, reconciliationActionValues } from './api/schema';

// The shapes and value sets are generated from the service's OpenAPI document (api/schema.ts, by
// `npm run generate:api`), never copied here: a field the server renames fails this typecheck.
type Schemas = components['schemas'];
export type Decimal = string;
export type Account = Schemas['Account'];
export type Order = Schemas['Order'];
export type OrderLeg = Schemas['OrderLeg'];
export type OrderStatus = Schemas['OrderStatus'];
export type OrderRole = Schemas['OrderRole'];
export type Fill = Schemas['Fill'];
export type OrderEvent = Schemas['OrderEvent'];
export type OrderDetail = Schemas['OrderDetail'];
export type RecordedFee = Schemas['RecordedFee'];
export type Position = Schemas['Position'];
export type Holding = Schemas['Holding'];
export type Performance = Schemas['Performance'];
export type Finding = Schemas['Finding'];
export type FindingCategory = Schemas['FindingCategory'];
export type ReconciliationAction = Schemas['ReconciliationAction'];
export type ReconciliationRun = Schemas['Reconciliation'];
export type Alert = Schemas['Alert'];
export type AlertKind = Schemas['AlertKind'];
export type AlertSink = Schemas['AlertSink'];
export type AlertSinkCreate = Schemas['AlertSinkCreate'];
export type AlertSinkTest = Schemas['AlertSinkTest'];
export const alertKinds = alertKindValues;
export type User = { id: string; name: string };

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export const orderStatuses = orderStatusValues;
/** The order may still trade at the venue (or is about to be sent there): SPEC.md's working statuses. */
export const workingStatuses = ['pending_submit', 'submitted', 'open', 'partially_filled', 'pending_cancel'] as const satisfies readonly OrderStatus[];
export const isWorking = (status: OrderStatus) => (workingStatuses as readonly OrderStatus[]).includes(status);

/** The categories that are a problem (every one but `matched`), in the API's order. */
export const findingCategories = findingCategoryValues.filter((c): c is Exclude<FindingCategory, 'matched'> => c !== 'matched');
export const reconciliationActions = reconciliationActionValues;

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

async function request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
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
  account: (id: string) => request<Account>('GET', `/v1/accounts/${encodeURIComponent(id)}`),
  orders: (filter: OrderFilter) => request<Page<Order>>('GET', `/v1/orders${query({ ...filter })}`),
  order: (id: string) => request<OrderDetail>('GET', `/v1/orders/${encodeURIComponent(id)}`),
  cancelOrder: (id: string) => request<Order>('POST', `/v1/orders/${encodeURIComponent(id)}/cancel`),
  positions: (accountId?: string) => request<{ data: Position[] }>('GET', `/v1/positions${query({ account_id: accountId })}`).then((r) => r.data),
  holdings: (accountId: string) => request<{ data: Holding[] }>('GET', `/v1/holdings${query({ account_id: accountId })}`).then((r) => r.data),
  performance: (accountId: string) => request<Performance>('GET', `/v1/metrics/performance${query({ account_id: accountId })}`),
  reconcile: (accountId: string, actions: ReconciliationAction[]) => request<ReconciliationRun>('POST', '/v1/reconciliations', { account_id: accountId, actions }),
  reconciliations: (accountId: string) => request<{ data: ReconciliationRun[] }>('GET', `/v1/reconciliations${query({ account_id: accountId })}`).then((r) => r.data),
  reconciliation: (id: string) => request<ReconciliationRun>('GET', `/v1/reconciliations/${encodeURIComponent(id)}`),

  alerts: (filter: { account_id?: string; kind?: string; limit?: number; cursor?: string }) => request<Page<Alert>>('GET', `/v1/alerts${query({ ...filter })}`),
  retryAlert: (id: string) => request<Alert>('POST', `/v1/alerts/${encodeURIComponent(id)}/retry`),
  alertSinks: () => request<{ data: AlertSink[] }>('GET', '/v1/alert-sinks').then((r) => r.data),
  addAlertSink: (sink: AlertSinkCreate) => request<AlertSink>('POST', '/v1/alert-sinks', sink),
  updateAlertSink: (id: string, change: { enabled?: boolean; name?: string }) => request<AlertSink>('PATCH', `/v1/alert-sinks/${encodeURIComponent(id)}`, change),
  removeAlertSink: (id: string) => request<AlertSink>('DELETE', `/v1/alert-sinks/${encodeURIComponent(id)}`),
  testAlertSink: (id: string) => request<AlertSinkTest>('POST', `/v1/alert-sinks/${encodeURIComponent(id)}/test`),

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
