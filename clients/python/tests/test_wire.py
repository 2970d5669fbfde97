"""The client's own behaviour, against a local stand-in server: decimals, errors and which requests it retries."""

import json
import socket
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import fillbook
from fillbook.models import Order

ORDER = {
    "id": "00000000-0000-4000-8000-000000000001", "account_id": "00000000-0000-4000-8000-0000000000aa", "position_id": None,
    "client_order_id": "x", "broker_order_id": None, "role": "manual", "origin": "api", "symbol": "BTCUSD", "asset_class": "crypto",
    "side": "buy", "type": "limit", "time_in_force": "gtc", "quantity": "0.123456789012345678901234567890", "limit_price": "42000.10",
    "stop_price": None, "status": "pending_submit", "status_reason": None, "qty_filled": "0", "qty_remaining": "0.123456789012345678901234567890",
    "avg_fill_price": None, "fees": "0", "fee_currency": None, "version": 1, "created_at": "2026-12-01T20:00:00.000Z",
    "updated_at": "2026-12-01T20:00:00.000Z", "retry_count": 0, "legs": None, "a_field_from_the_future": True,
}


class Stub:
    """Answers each request with the next (status, body) of a script, and keeps the requests."""

    def __init__(self, script):
        self.script = list(script)
        self.requests = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                stub.requests.append((self.command, self.path, json.loads(body) if body else None))
                status, answer = stub.script.pop(0) if stub.script else (500, {})
                raw = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    made = []

    def make(*script):
        s = Stub(script)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def client_of(url, sleeps=None):
    return fillbook.Client(url, "fbk_test", sleep=(sleeps.append if sleeps is not None else lambda s: None), retries_max=3)


unavailable = (503, {"error": {"code": "FILLBOOK_ERR_VENUE_UNAVAILABLE", "message": "the venue answered: down", "details": {"kind": "unavailable"}}})


def test_decimals_leave_as_plain_strings_and_floats_are_refused():
    assert fillbook.format_decimal(Decimal("1E+2"), "q") == "100"
    assert fillbook.format_decimal(Decimal("0.00000001"), "q") == "0.00000001"
    assert fillbook.format_decimal("2.50", "q") == "2.50"
    assert fillbook.format_decimal(7, "q") == "7"
    with pytest.raises(TypeError):
        fillbook.format_decimal(0.1, "q")
    with pytest.raises(TypeError):
        fillbook.format_decimal(True, "q")
    for bad in ("abc", "NaN", Decimal("Infinity")):
        with pytest.raises(ValueError):
            fillbook.format_decimal(bad, "q")


def test_models_read_every_decimal_exactly_and_ignore_unknown_fields():
    order = Order.from_json(ORDER)
    assert order.quantity == Decimal("0.123456789012345678901234567890")
    assert isinstance(order.limit_price, Decimal) and str(order.limit_price) == "42000.10"
    assert order.created_at.utcoffset().total_seconds() == 0
    assert order.is_working and order.fills == () and order.legs is None
    with pytest.raises(TypeError):
        Order.from_json({**ORDER, "quantity": 0.1})


def test_an_order_is_retried_on_503_with_the_same_client_order_id(stub):
    s = stub(unavailable, unavailable, (201, ORDER))
    sleeps = []
    order = client_of(s.url, sleeps).create_order(ORDER["account_id"], "BTCUSD", "buy", "limit", Decimal("0.5"), limit_price="42000.10")
    assert order.id == ORDER["id"]
    bodies = [body for (_, _, body) in s.requests]
    assert len(bodies) == 3 and len(sleeps) == 2
    ids = {b["client_order_id"] for b in bodies}
    assert len(ids) == 1 and next(iter(ids)).startswith("py-")
    assert bodies[0]["quantity"] == "0.5" and bodies[0]["limit_price"] == "42000.10"


def test_retries_are_bounded_and_end_in_the_coded_error(stub):
    s = stub(unavailable, unavailable, unavailable, unavailable, unavailable)
    with pytest.raises(fillbook.ServiceUnavailableError) as e:
        client_of(s.url).record_fill("E-1", "1", "2", order_id=ORDER["id"])
    assert (e.value.code, e.value.status, e.value.details) == ("FILLBOOK_ERR_VENUE_UNAVAILABLE", 503, {"kind": "unavailable"})
    assert len(s.requests) == 4  # the first attempt and RETRIES_MAX more
    assert {body["exec_id"] for (_, _, body) in s.requests} == {"E-1"}


def test_a_write_without_an_idempotency_key_is_not_repeated(stub):
    s = stub(unavailable, (201, {}))
    with pytest.raises(fillbook.ServiceUnavailableError):
        client_of(s.url).create_account("main", "paper")
    with pytest.raises(fillbook.ServiceUnavailableError):
        s.script.insert(0, unavailable)
        client_of(s.url).cancel_order(ORDER["id"])
    assert [path for (_, path, _) in s.requests] == ["/v1/accounts", f"/v1/orders/{ORDER['id']}/cancel"]


def test_errors_carry_code_status_and_details(stub):
    s = stub(
        (409, {"error": {"code": "FILLBOOK_ERR_EXPOSURE_EXCEEDED", "message": "entry refused", "details": {"target": "102"}}}),
        (404, {"error": {"code": "FILLBOOK_ERR_NOT_FOUND", "message": "order x does not exist (or is not yours)", "details": {}}}),
        (502, "<html>bad gateway</html>"),
    )
    c = client_of(s.url)
    with pytest.raises(fillbook.ConflictError) as conflict:
        c.create_order(ORDER["account_id"], "X", "buy", "market", 1)
    assert (conflict.value.code, conflict.value.status, conflict.value.details["target"]) == ("FILLBOOK_ERR_EXPOSURE_EXCEEDED", 409, "102")
    with pytest.raises(fillbook.NotFoundError) as missing:
        c.get_order("x")
    assert isinstance(missing.value, fillbook.FillbookError) and missing.value.status == 404
    with pytest.raises(fillbook.FillbookError) as other:
        c.list_accounts()
    assert (other.value.code, other.value.status) == ("FILLBOOK_ERR_HTTP", 502)
    assert len(s.requests) == 3  # none of them retried


def test_a_refused_connection_is_retried_and_then_reported():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps = []
    with pytest.raises(fillbook.FillbookConnectionError) as e:
        client_of(f"http://127.0.0.1:{port}", sleeps).create_account("main", "paper")
    assert e.value.code == "FILLBOOK_ERR_CONNECTION" and e.value.status is None
    # Refused: nothing reached the service, so even a non-idempotent write may be retried.
    assert len(sleeps) == 3 and all(0 <= d <= 2.0 for d in sleeps)


def test_list_iterators_follow_next_cursor(stub):
    s = stub((200, {"data": [ORDER, ORDER], "next_cursor": "c2"}), (200, {"data": [ORDER], "next_cursor": None}))
    orders = list(client_of(s.url).list_orders("acc", status=["open", "filled"], page_size=2))
    assert len(orders) == 3
    assert s.requests[0][1] == "/v1/orders?account_id=acc&status=open%2Cfilled&limit=2"
    assert s.requests[1][1].endswith("limit=2&cursor=c2")
    with pytest.raises(ValueError):
        list(client_of(s.url).list_fills(page_size=501))
