"""The client against a real Fillbook (started by test/clients/python-client.test.ts)."""

import io
import time
import uuid
from datetime import datetime, timezone
from decimal import Decimal

import pytest

import fillbook


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def manual(live):
    return live.create_account(unique("manual"), "manual")


def test_accounts(live):
    account = live.create_account(unique("paper"), "paper", base_currency="USD", venue_config={"fillMode": "manual"})
    assert isinstance(account, fillbook.Account) and account.venue == "paper" and account.webhook_secret
    listed = {a.id: a for a in live.list_accounts()}
    assert listed[account.id].name == account.name and listed[account.id].webhook_secret is None
    assert listed[account.id].created_at.tzinfo is not None
    got = live.get_account(account.id)
    assert (got.id, got.observe_only, got.fail_closed, got.halted) == (account.id, False, True, None)


def test_orders_fills_and_positions_keep_every_decimal_exact(live, manual):
    position = live.create_position(manual.id, unique("sig"), "BTCUSD", "long", Decimal("0.3"), asset_class="crypto")
    again = live.create_position(manual.id, position.signal_id, "BTCUSD", "long", "0.3", asset_class="crypto")
    assert again.id == position.id  # idempotent on signal_id
    order = live.create_order(manual.id, "BTCUSD", "buy", "limit", Decimal("0.3"), limit_price=Decimal("42000.123456789"), position_id=position.id, asset_class="crypto", submit=False)
    assert order.client_order_id.startswith("py-") and order.status == "pending_submit" and order.sent_by == "bot"
    assert order.limit_price == Decimal("42000.123456789") and isinstance(order.quantity, Decimal)
    live.report_order_event(order.id, "submitted", broker_order_id=unique("B"))
    assert live.report_order_event(order.id, "open").status == "open"
    first = live.record_fill(unique("E"), Decimal("0.1"), Decimal("42000.1"), order_id=order.id, fee=Decimal("0.000001"), fee_currency="BTC")
    second = live.record_fill(unique("E"), "0.2", "42000.2", account_id=manual.id, client_order_id=order.client_order_id, executed_at=datetime.now(timezone.utc))
    assert (first.outcome, second.outcome) == ("recorded", "recorded")
    assert second.order.status == "filled" and second.order.qty_filled == Decimal("0.3")
    # (0.1 x 42000.1 + 0.2 x 42000.2) / 0.3, exactly as the ledger rounds it (12 places, half even).
    assert second.order.avg_fill_price == Decimal("42000.166666666667")
    assert second.order.fees == Decimal("0.000001")
    assert live.get_order(order.id).fees_by_currency == {"BTC": Decimal("0.000001")}
    detail = live.get_order(order.id)
    assert [f.exec_id for f in detail.fills] == [first.fill.exec_id, second.fill.exec_id]
    assert [(e.type, e.source) for e in detail.events][:3] == [("created", "api"), ("submitted", "api"), ("accepted", "api")]
    p = live.get_position(position.id)
    assert (p.status, p.qty_open, p.avg_entry_price) == ("open", Decimal("0.3"), Decimal("42000.166666666667"))
    holdings = {h.symbol: h for h in live.holdings(manual.id)}
    assert holdings["BTCUSD"].net_quantity == Decimal("0.3")


def test_a_resent_request_is_the_same_order_or_a_duplicate_fill_never_a_second_one(live, manual):
    cid = unique("cid")
    a = live.create_order(manual.id, "AAPL", "buy", "market", 5, client_order_id=cid, submit=False)
    b = live.create_order(manual.id, "AAPL", "buy", "market", 5, client_order_id=cid, submit=False)
    assert a.id == b.id
    with pytest.raises(fillbook.ConflictError) as conflict:
        live.create_order(manual.id, "AAPL", "buy", "market", 6, client_order_id=cid, submit=False)
    assert conflict.value.code == "FILLBOOK_ERR_IDEMPOTENCY_CONFLICT" and conflict.value.status == 409
    exec_id = unique("E")
    assert live.record_fill(exec_id, 2, "190.5", order_id=a.id).outcome == "recorded"
    assert live.record_fill(exec_id, 2, "190.50", order_id=a.id).outcome == "duplicate"
    with pytest.raises(fillbook.ConflictError) as differs:
        live.record_fill(exec_id, 3, "190.5", order_id=a.id)
    assert differs.value.code == "FILLBOOK_ERR_DUPLICATE_FILL_CONFLICT"
    assert live.get_order(a.id).qty_filled == Decimal("2")


def test_listing_pages_through_orders_and_fills(live, manual):
    orders = [live.create_order(manual.id, "MSFT", "sell", "market", 1, submit=False) for _ in range(5)]
    listed = list(live.list_orders(manual.id, symbol="MSFT", page_size=2))
    assert [o.id for o in listed] == [o.id for o in reversed(orders)]
    assert [o.id for o in live.list_orders(manual.id, status=["pending_submit"], page_size=500)][:5] == [o.id for o in reversed(orders)]
    base = datetime(2026, 11, 20, 14, 30, tzinfo=timezone.utc)
    for i, o in enumerate(orders):
        live.record_fill(f"{o.id}-f", 1, "410.05", order_id=o.id, executed_at=base.replace(minute=30 + i))
    fills = list(live.list_fills(manual.id, symbol="MSFT", page_size=2))
    assert [f.order_id for f in fills] == [o.id for o in reversed(orders)]
    assert all(f.symbol == "MSFT" and f.side == "sell" and f.account_id == manual.id and f.price == Decimal("410.05") for f in fills)
    window = list(live.list_fills(manual.id, since=base.replace(minute=31), until="2026-11-20T14:33:00Z"))
    assert [f.order_id for f in window] == [orders[2].id, orders[1].id]
    assert [f.exec_id for f in live.list_fills(order_id=orders[0].id)] == [f"{orders[0].id}-f"]


def test_positions_page_newest_first(live, manual):
    made = [live.create_position(manual.id, unique("sig"), "QQQ", "short", 1) for _ in range(3)]
    listed = list(live.list_positions(manual.id, page_size=2))
    assert [p.id for p in listed] == [p.id for p in reversed(made)]
    assert all(p.status == "pending_entry" and p.qty_open == Decimal(0) and p.side == "short" for p in listed)


def test_cancel_and_reconcile_on_the_paper_venue(live):
    paper = live.create_account(unique("paper"), "paper", venue_config={"fillMode": "manual", "latencyMs": 1})
    order = live.create_order(paper.id, "SPY", "buy", "limit", 1, limit_price="400")
    for _ in range(100):
        if live.get_order(order.id).status == "open":
            break
        time.sleep(0.05)
    canceled = live.cancel_order(order.id)
    assert canceled.status in ("pending_cancel", "canceled")
    run = live.reconcile(paper.id)
    assert isinstance(run, fillbook.ReconciliationRun) and run.dry_run and run.status == "completed" and run.findings is not None
    assert live.get_reconciliation(run.id).id == run.id
    assert run.id in [r.id for r in live.list_reconciliations(paper.id)]


def test_errors_carry_the_services_code(live, manual):
    with pytest.raises(fillbook.NotFoundError) as missing:
        live.get_order(str(uuid.uuid4()))
    assert (missing.value.code, missing.value.status) == ("FILLBOOK_ERR_NOT_FOUND", 404)
    with pytest.raises(fillbook.ValidationError) as invalid:
        live.create_order(manual.id, "AAPL", "sideways", "market", 1, submit=False)
    assert (invalid.value.code, invalid.value.status) == ("FILLBOOK_ERR_VALIDATION", 422)
    with pytest.raises(fillbook.AuthenticationError) as unauthorized:
        fillbook.Client(live.base_url, "fbk_not_a_key").list_accounts()
    assert unauthorized.value.code == "FILLBOOK_ERR_UNAUTHORIZED"
    with pytest.raises(fillbook.NotFoundError):
        live.holdings(str(uuid.uuid4()))


def test_export_streams_csv(live, manual):
    order = live.create_order(manual.id, 'ODD,"SYM"', "buy", "market", 1, submit=False)
    live.record_fill(unique("E"), 1, "0.0000001", order_id=order.id)
    out = io.BytesIO()
    written = live.export_csv("fills", manual.id, out)
    text = out.getvalue().decode()
    assert written == len(out.getvalue()) and text.startswith("time,account_id,venue,symbol,")
    assert '"ODD,""SYM"""' in text and ",0.0000001," in text
