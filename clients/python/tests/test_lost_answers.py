"""Retries against the real Fillbook when an answer is lost: the request arrived and was committed, but
the connection dropped before the answer came back. Repeating it must not do it twice."""

import http.client
import threading
import urllib.parse
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import fillbook


class LosingProxy:
    """Forwards every request to Fillbook; for the first `lose` POSTs, drops the connection instead of answering."""

    def __init__(self, target: str, lose: int) -> None:
        self.lose = lose
        self.forwarded = 0
        t = urllib.parse.urlsplit(target)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _forward(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else None
                upstream = http.client.HTTPConnection(t.hostname, t.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type", "accept")}
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                raw = answer.read()
                upstream.close()
                proxy.forwarded += 1
                if self.command == "POST" and proxy.lose > 0:
                    proxy.lose -= 1
                    self.close_connection = True
                    self.connection.shutdown(2)  # committed upstream; the answer never comes back
                    return
                self.send_response(answer.status)
                self.send_header("content-type", answer.getheader("content-type") or "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def losing(live):
    made = []

    def make(lose):
        p = LosingProxy(live.base_url, lose)
        made.append(p)
        return fillbook.Client(p.url, live._key, retry_delay_base_s=0.01), p

    yield make
    for p in made:
        p.close()


def test_an_order_whose_answer_was_lost_is_recorded_once(live, losing):
    account = live.create_account("lost-answers", "manual")
    client, proxy = losing(2)
    order = client.create_order(account.id, "AAPL", "buy", "limit", Decimal("3"), limit_price=Decimal("1.5"), submit=False)
    assert proxy.forwarded == 3  # two attempts committed-but-unanswered, the third answered with the original
    orders = list(live.list_orders(account.id))
    assert [o.id for o in orders] == [order.id]


def test_a_fill_whose_answer_was_lost_is_counted_once(live, losing):
    account = live.create_account("lost-fill", "manual")
    order = live.create_order(account.id, "AAPL", "buy", "market", 3, submit=False)
    client, proxy = losing(1)
    result = client.record_fill("LOST-1", Decimal("2"), Decimal("101.25"), order_id=order.id)
    assert proxy.forwarded == 2 and result.outcome == "duplicate"  # the first attempt recorded it
    assert live.get_order(order.id).qty_filled == Decimal("2")


def test_an_account_whose_answer_was_lost_is_not_sent_again(live, losing):
    client, proxy = losing(1)
    name = "lost-account-" + str(id(proxy))
    with pytest.raises(fillbook.FillbookConnectionError) as e:
        client.create_account(name, "manual")
    assert "not repeated" in e.value.message and proxy.forwarded == 1
    assert [a.name for a in live.list_accounts()].count(name) == 1
