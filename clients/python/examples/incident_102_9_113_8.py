#!/usr/bin/env python3
"""Replays the incident Fillbook was started from, against a running Fillbook.

The seed report: a bot entering "position 2" placed four entry orders (102, 9, 113 and 8 contracts)
instead of stopping after the first, because its database never recorded the partial fill of the
first order. Here the bot reports the same story to Fillbook, as a bot that talks to its broker
itself does (a ``manual`` account, ``submit=False``), and Fillbook refuses every duplicate entry:

1. position 2 is declared with a target of 102 contracts; the first entry, 102, is recorded and sent;
2. 9 contracts fill; the fill is delivered twice (a redelivered webhook) and counted once;
3. the bot, not seeing the fill, enters 9 more: refused (102 are already filled or working);
4. the first entry is canceled at the broker with 9 filled; the bot enters 113: refused (at most 93);
5. it enters the 93 that remain: accepted (and a retry of that request returns the same order);
6. it enters 8 more: refused.

Run:  FILLBOOK_URL=http://127.0.0.1:7878 FILLBOOK_KEY=fbk_... python3 incident_102_9_113_8.py
"""

from __future__ import annotations

import os
import sys
import uuid
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import fillbook  # noqa: E402


def main() -> int:
    client = fillbook.Client()
    run = uuid.uuid4().hex[:8]
    account = client.create_account(f"incident-{run}", "manual")
    symbol = "SPY   260227C00600000"
    position = client.create_position(account.id, f"position-2-{run}", symbol, "long", Decimal("102"), asset_class="option")
    print(f"position {position.id}: target {position.target_quantity} contracts of {symbol}")

    def enter(quantity: str, client_order_id: str = "") -> fillbook.Order | None:
        try:
            order = client.create_order(
                account.id, symbol, "buy", "limit", Decimal(quantity), limit_price=Decimal("2.50"), position_id=position.id,
                asset_class="option", submit=False, client_order_id=client_order_id or None,
            )
            print(f"entry of {quantity:>3}: accepted (order {order.id}, {order.status})")
            return order
        except fillbook.ConflictError as e:
            assert e.code == "FILLBOOK_ERR_EXPOSURE_EXCEEDED", e.code
            d = e.details
            print(f"entry of {quantity:>3}: REFUSED {e.code} (target {d['target']}, filled {d['filled']}, working {d['working']})")
            return None

    first = enter("102")
    assert first is not None
    client.report_order_event(first.id, "submitted", broker_order_id=f"T-{run}-1")
    client.report_order_event(first.id, "open")
    for delivery in (1, 2):
        result = client.record_fill(f"T-{run}-exec-1", Decimal("9"), Decimal("2.50"), account_id=account.id, broker_order_id=f"T-{run}-1", fee=Decimal("0.65"), fee_currency="USD")
        print(f"fill of 9 (delivery {delivery}): {result.outcome}; order {result.order.qty_filled}/{result.order.quantity} filled")

    refused = [enter("9") is None]
    client.report_order_event(first.id, "canceled", reason="canceled at the broker with 9 filled")
    refused.append(enter("113") is None)
    rest_id = f"position-2-{run}-rest"
    rest = enter("93", rest_id)
    again = client.create_order(account.id, symbol, "buy", "limit", Decimal("93"), limit_price=Decimal("2.50"), position_id=position.id, asset_class="option", submit=False, client_order_id=rest_id)
    print(f"the same 93 sent again (a retry): order {again.id} ({'the same order' if rest and again.id == rest.id else 'A SECOND ORDER'})")
    refused.append(enter("8") is None)

    now = client.get_position(position.id)
    working = sum((o.qty_remaining for o in client.list_orders(account.id, position_id=position.id) if o.is_working), Decimal(0))
    print(f"position {now.status}: filled {now.qty_entered}, working {working}, target {now.target_quantity}")
    ok = all(refused) and rest is not None and again.id == rest.id and now.qty_entered + working == now.target_quantity
    print("duplicate entries refused: exposure never exceeded the target" if ok else "UNEXPECTED: the guard let a duplicate through")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
