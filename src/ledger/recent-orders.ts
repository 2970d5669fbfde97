import type { Order } from '../domain/index.js';

/**
 * The orders this process last read or wrote, by id: a guess at an order's current state that saves
 * a fill the read before its write. It is never trusted alone: a fill's write is a compare-and-set
 * on the order's version (see `insertFillApplied`), so a guess made stale by another process or
 * instance fails that write, is forgotten, and the order is read again. The database stays the only
 * place where writers coordinate; this map only makes the common case (this instance saw the
 * order's last change) one round trip instead of two. Bounded, least recently used out first.
 */
export class RecentOrders {
  private readonly byId = new Map<string, Order>();

  constructor(private readonly entriesMax: number) {}

  get(orderId: string): Order | undefined {
    const order = this.byId.get(orderId);
    if (order !== undefined) {
      this.byId.delete(orderId);
      this.byId.set(orderId, order);
    }
    return order;
  }

  remember(order: Order): void {
    const known = this.byId.get(order.id);
    // Out-of-order completions of concurrent calls must not put an older version back.
    if (known !== undefined && known.version > order.version) return;
    this.byId.delete(order.id);
    this.byId.set(order.id, order);
    if (this.byId.size > this.entriesMax) {
      const oldest = this.byId.keys().next();
      if (oldest.done !== true) this.byId.delete(oldest.value);
    }
  }

  forget(orderId: string): void {
    this.byId.delete(orderId);
  }

  get size(): number {
    return this.byId.size;
  }
}
