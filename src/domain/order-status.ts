export const orderStatuses = [
  'pending_submit', // recorded, not yet sent
  'submitted', // sent, not acknowledged
  'open',
  'partially_filled',
  'pending_cancel',
  'filled',
  'canceled',
  'rejected',
  'expired',
  'replaced',
  'failed', // never reached the broker; may be retried
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export const terminalStatuses: readonly OrderStatus[] = ['filled', 'canceled', 'rejected', 'expired', 'replaced'];

export function isTerminal(status: OrderStatus): boolean {
  return terminalStatuses.includes(status);
}

/** Working: the order may still trade at the venue (or is about to be sent there). */
export function isWorking(status: OrderStatus): boolean {
  return !isTerminal(status) && status !== 'failed';
}

/** The working statuses as a list, for storage to select working orders by (`isWorking` is the rule). */
export const workingStatuses: readonly OrderStatus[] = orderStatuses.filter(isWorking);

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (orderStatuses as readonly string[]).includes(value);
}
