/** Addressing: turning an order or position reference into its account and key, locking what it names, and the not-found errors. */
import { FillbookError, type Order, type PositionSpec, requireText, requireUuid } from '../domain/index.js';
import { lockPositionForGuard, type OrderKey, selectOrder, selectOrderAccount, selectPositionAccount, type SqlClient } from '../storage/index.js';

/** An order addressed by ledger id (account optional), client order id or broker order id. */
export type OrderRef =
  | { orderId: string; accountId?: string }
  | { accountId: string; clientOrderId: string }
  | { accountId: string; brokerOrderId: string };

export type PositionRef = { positionId: string; accountId?: string } | { accountId: string; signalId: string };

export const brokerOrderIdCharsMax = 128;
export const clientOrderIdCharsMax = 128;

/** The key an order reference names, checked, and its account when the reference says it (an id alone does not). */
export function orderKeyOf(ref: OrderRef): { accountId: string | undefined; key: OrderKey } {
  if ('orderId' in ref) {
    return { accountId: ref.accountId === undefined ? undefined : requireUuid(ref.accountId, 'account_id'), key: { by: 'id', value: requireUuid(ref.orderId, 'order_id') } };
  }
  const accountId = requireUuid(ref.accountId, 'account_id');
  if ('clientOrderId' in ref) return { accountId, key: { by: 'client_order_id', value: requireText(ref.clientOrderId, 'client_order_id', clientOrderIdCharsMax) } };
  return { accountId, key: { by: 'broker_order_id', value: requireText(ref.brokerOrderId, 'broker_order_id', brokerOrderIdCharsMax) } };
}

/** The account and the key an order reference names; an id alone costs a query for its account. */
export async function resolveOrder(sql: SqlClient, ref: OrderRef): Promise<{ accountId: string; key: OrderKey }> {
  const { accountId, key } = orderKeyOf(ref);
  const account = accountId ?? (await selectOrderAccount(sql, key.value));
  if (account === undefined) throw orderNotFound(ref);
  return { accountId: account, key };
}

/** The account and the key a position reference names; an id alone costs a query for its account. */
export async function resolvePosition(sql: SqlClient, ref: PositionRef): Promise<{ accountId: string; key: { by: 'id' | 'signal_id'; value: string } }> {
  if ('signalId' in ref) return { accountId: requireUuid(ref.accountId, 'account_id'), key: { by: 'signal_id', value: requireText(ref.signalId, 'signal_id', 200) } };
  const positionId = requireUuid(ref.positionId, 'position_id');
  const accountId = ref.accountId === undefined ? await selectPositionAccount(sql, positionId) : requireUuid(ref.accountId, 'account_id');
  if (accountId === undefined) throw positionNotFound(positionId);
  return { accountId, key: { by: 'id', value: positionId } };
}

export async function lockOrder(tx: SqlClient, accountId: string, key: OrderKey): Promise<Order> {
  const found = await selectOrder(tx, accountId, key, 'for update');
  if (found === undefined) throw orderNotFound({ accountId, key });
  return found.order;
}

/** Locks a position for a guarded write (and bumps its guard version: see `insertGuardedOrder`). */
export async function lockPosition(tx: SqlClient, accountId: string, positionId: string): Promise<PositionSpec> {
  const position = await lockPositionForGuard(tx, accountId, positionId);
  if (position === undefined) throw positionNotFound(positionId);
  return position;
}

export function positionNotFound(positionId: string): FillbookError {
  return new FillbookError('FILLBOOK_ERR_POSITION_NOT_FOUND', `position ${positionId} does not exist (or is not yours)`, { position_id: positionId });
}

export function accountNotFound(accountId: string): FillbookError {
  return new FillbookError('FILLBOOK_ERR_ACCOUNT_NOT_FOUND', `account ${accountId} does not exist (or is not yours)`, { account_id: accountId });
}

export function orderNotFound(ref: unknown): FillbookError {
  return new FillbookError('FILLBOOK_ERR_ORDER_NOT_FOUND', `no order matches ${JSON.stringify(ref)} (or it is not yours)`, { ref });
}
