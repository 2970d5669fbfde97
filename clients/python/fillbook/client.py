"""The Fillbook HTTP client: the standard library only (urllib and json).

Decimals travel as strings both ways: answers are read with ``parse_float=Decimal`` (and the service
sends decimal strings anyway), and every quantity, price and fee given to a method may be a
:class:`~decimal.Decimal`, an ``int`` or a decimal string, never a ``float`` (refused with a
``TypeError``: a float has already lost the value).

Retries. A request is retried, a bounded number of times with jittered backoff, only when repeating
it cannot do anything twice:

* when the connection was refused (nothing reached the service), for every request;
* on any other connection failure or a 503, for requests that are idempotent: reads, and the writes
  that carry their own idempotency key. ``create_order`` generates its ``client_order_id`` before the
  first attempt, so every attempt names the same order and the service answers a repeat with the
  original; ``record_fill`` carries its ``exec_id`` (a repeat is a ``duplicate``); ``create_position``
  its ``signal_id``.

Other writes (an account, a cancel, a lifecycle report, a reconciliation) are not retried once they
may have reached the service: their outcome is then unknown, and the error says so.
"""

from __future__ import annotations

import json
import os
import random
import socket
import time
import uuid
import http.client
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from decimal import Decimal
from typing import Any, BinaryIO, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Type, TypeVar, Union

from .errors import FillbookConnectionError, FillbookError, error_from_response
from .models import Account, FillResult, Fill, Holding, Order, Position, ReconciliationRun

DecimalLike = Union[Decimal, int, str]
TimeLike = Union[datetime, str]
T = TypeVar("T")

#: Attempts after the first, for a request that is safe to repeat.
RETRIES_MAX = 3
RETRY_DELAY_BASE_S = 0.2
RETRY_DELAY_MAX_S = 2.0
#: The service's page size limit (GET list routes).
PAGE_SIZE_MAX = 500
#: Bound on how many pages one iterator follows (500 x 100,000 = 50 million rows).
PAGES_MAX = 100_000
TIMEOUT_S_DEFAULT = 30.0
EXPORT_CHUNK_BYTES = 64 * 1024


def format_decimal(value: DecimalLike, name: str) -> str:
    """A decimal for the wire: plain notation (never an exponent), as the service requires."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{name} must be a Decimal, an int or a decimal string, never a {type(value).__name__}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except Exception:
            raise ValueError(f"{name} is not a decimal: {value!r}") from None
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"{name} must be a finite decimal; got {value!r}")
    text = format(value, "f")
    return "0" if text in ("-0", "0") else text


def format_time(value: TimeLike, name: str) -> str:
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware (UTC); a naive datetime is ambiguous")
    return value.isoformat()


def _compact(body: Mapping[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


class Client:
    """A client of one Fillbook service, authenticated by one API key.

    ``Client()`` reads ``FILLBOOK_URL`` (default ``http://127.0.0.1:7878``) and ``FILLBOOK_KEY``.
    """

    def __init__(
        self,
        base_url: Optional[str] = None,
        api_key: Optional[str] = None,
        *,
        timeout_s: float = TIMEOUT_S_DEFAULT,
        retries_max: int = RETRIES_MAX,
        retry_delay_base_s: float = RETRY_DELAY_BASE_S,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = (base_url or os.environ.get("FILLBOOK_URL") or "http://127.0.0.1:7878").rstrip("/")
        key = api_key or os.environ.get("FILLBOOK_KEY")
        if not key:
            raise ValueError("an API key is required: pass api_key or set FILLBOOK_KEY (create one with `fillbook keys create`)")
        self._key = key
        self.timeout_s = timeout_s
        self.retries_max = max(0, min(retries_max, 10))
        self.retry_delay_base_s = retry_delay_base_s
        self._sleep = sleep

    # ---- transport ---------------------------------------------------------------------------

    def _open(self, method: str, path: str, params: Optional[Mapping[str, Any]], body: Optional[Mapping[str, Any]], idempotent: bool):
        query = urllib.parse.urlencode({k: v for k, v in (params or {}).items() if v is not None})
        url = f"{self.base_url}{path}{'?' + query if query else ''}"
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"authorization": f"Bearer {self._key}", "accept": "application/json"}
        if data is not None:
            headers["content-type"] = "application/json"
        attempt = 0
        while True:
            request = urllib.request.Request(url, data=data, headers=headers, method=method)
            last_error: FillbookError
            try:
                return urllib.request.urlopen(request, timeout=self.timeout_s)
            except urllib.error.HTTPError as e:
                raw = e.read()
                try:
                    parsed = json.loads(raw, parse_float=Decimal) if raw else None
                except ValueError:
                    parsed = None
                error = error_from_response(e.code, parsed)
                if e.code != 503 or not idempotent:
                    raise error from None
                last_error = error
            except (urllib.error.URLError, http.client.HTTPException, ConnectionError, socket.timeout, TimeoutError) as e:
                reason = e.reason if isinstance(e, urllib.error.URLError) else e
                refused = isinstance(reason, ConnectionRefusedError)
                last_error = FillbookConnectionError(
                    f"{method} {path}: {reason}" + ("" if refused or idempotent else "; the request may have reached the service, so it was not repeated: check before sending it again")
                )
                if not (refused or idempotent):
                    raise last_error from None
            if attempt >= self.retries_max:
                raise last_error
            attempt += 1
            # Full jitter: a random delay up to the exponential bound, so that clients spread out.
            self._sleep(random.uniform(0, min(RETRY_DELAY_MAX_S, self.retry_delay_base_s * (2 ** attempt))))

    def _request(self, method: str, path: str, params: Optional[Mapping[str, Any]] = None, body: Optional[Mapping[str, Any]] = None, *, idempotent: bool) -> Any:
        with self._open(method, path, params, body, idempotent) as response:
            raw = response.read()
        return json.loads(raw, parse_float=Decimal) if raw else None

    def _get(self, path: str, params: Optional[Mapping[str, Any]] = None) -> Any:
        return self._request("GET", path, params, idempotent=True)

    def _pages(self, path: str, params: Mapping[str, Any], page_size: int, build: Callable[[Mapping[str, Any]], T]) -> Iterator[T]:
        if not 1 <= page_size <= PAGE_SIZE_MAX:
            raise ValueError(f"page_size must be from 1 to {PAGE_SIZE_MAX}")
        cursor: Optional[str] = None
        for _ in range(PAGES_MAX):
            page = self._get(path, {**params, "limit": page_size, "cursor": cursor})
            for item in page["data"]:
                yield build(item)
            cursor = page.get("next_cursor")
            if cursor is None:
                return
        raise FillbookError("FILLBOOK_ERR_CLIENT", f"{path}: more than {PAGES_MAX} pages; narrow the query")

    # ---- accounts ----------------------------------------------------------------------------

    def create_account(
        self,
        name: str,
        venue: str,
        *,
        base_currency: Optional[str] = None,
        venue_config: Optional[Mapping[str, Any]] = None,
        observe_only: Optional[bool] = None,
        fail_closed: Optional[bool] = None,
    ) -> Account:
        """A new account. Its ``webhook_secret`` is in this answer only. Not retried once sent."""
        body = _compact({
            "name": name, "venue": venue, "base_currency": base_currency, "venue_config": None if venue_config is None else dict(venue_config),
            "observe_only": observe_only, "fail_closed": fail_closed,
        })
        return Account.from_json(self._request("POST", "/v1/accounts", body=body, idempotent=False))

    def get_account(self, account_id: str) -> Account:
        return Account.from_json(self._get(f"/v1/accounts/{urllib.parse.quote(account_id)}"))

    def list_accounts(self) -> List[Account]:
        return [Account.from_json(a) for a in self._get("/v1/accounts")["data"]]

    # ---- positions ---------------------------------------------------------------------------

    def create_position(
        self, account_id: str, signal_id: str, symbol: str, side: str, target_quantity: DecimalLike, *, asset_class: Optional[str] = None, multiplier: Optional[DecimalLike] = None
    ) -> Position:
        """The position for a signal; idempotent on ``signal_id`` (the same body again returns the same position)."""
        body = _compact({
            "account_id": account_id, "signal_id": signal_id, "symbol": symbol, "side": side,
            "target_quantity": format_decimal(target_quantity, "target_quantity"), "asset_class": asset_class,
            "multiplier": None if multiplier is None else format_decimal(multiplier, "multiplier"),
        })
        return Position.from_json(self._request("POST", "/v1/positions", body=body, idempotent=True))

    def get_position(self, position_id: str) -> Position:
        return Position.from_json(self._get(f"/v1/positions/{urllib.parse.quote(position_id)}"))

    def list_positions(self, account_id: Optional[str] = None, *, page_size: int = 100) -> Iterator[Position]:
        """Positions, newest first, page by page as the iterator advances."""
        return self._pages("/v1/positions", {"account_id": account_id}, page_size, Position.from_json)

    # ---- orders ------------------------------------------------------------------------------

    def create_order(
        self,
        account_id: str,
        symbol: str,
        side: str,
        type: str,
        quantity: DecimalLike,
        *,
        limit_price: Optional[DecimalLike] = None,
        stop_price: Optional[DecimalLike] = None,
        time_in_force: Optional[str] = None,
        position_id: Optional[str] = None,
        role: Optional[str] = None,
        client_order_id: Optional[str] = None,
        asset_class: Optional[str] = None,
        legs: Optional[Sequence[Mapping[str, Any]]] = None,
        submit: Optional[bool] = None,
    ) -> Order:
        """Records an order (guarded, write-ahead) and, unless ``submit=False``, sends it to the venue.

        The ``client_order_id`` is generated here when not given, before the first attempt, so a retry
        after a lost answer names the same order and gets the original back rather than a second one.
        """
        client_order_id = client_order_id or f"py-{uuid.uuid4()}"
        body = _compact({
            "account_id": account_id, "symbol": symbol, "side": side, "type": type,
            "quantity": format_decimal(quantity, "quantity"),
            "limit_price": None if limit_price is None else format_decimal(limit_price, "limit_price"),
            "stop_price": None if stop_price is None else format_decimal(stop_price, "stop_price"),
            "time_in_force": time_in_force, "position_id": position_id, "role": role, "client_order_id": client_order_id,
            "asset_class": asset_class, "submit": submit,
            "legs": None if legs is None else [_leg(leg) for leg in legs],
        })
        return Order.from_json(self._request("POST", "/v1/orders", body=body, idempotent=True))

    def get_order(self, order_id: str) -> Order:
        """The order with its ``fills`` and ``events`` (the audit trail)."""
        return Order.from_json(self._get(f"/v1/orders/{urllib.parse.quote(order_id)}"))

    def list_orders(
        self,
        account_id: Optional[str] = None,
        *,
        status: Optional[Union[str, Sequence[str]]] = None,
        symbol: Optional[str] = None,
        position_id: Optional[str] = None,
        signal_id: Optional[str] = None,
        since: Optional[TimeLike] = None,
        page_size: int = 100,
    ) -> Iterator[Order]:
        """Orders, newest first, page by page as the iterator advances."""
        params = {
            "account_id": account_id, "status": status if status is None or isinstance(status, str) else ",".join(status),
            "symbol": symbol, "position_id": position_id, "signal_id": signal_id, "since": None if since is None else format_time(since, "since"),
        }
        return self._pages("/v1/orders", params, page_size, Order.from_json)

    def cancel_order(self, order_id: str) -> Order:
        """Asks the venue to cancel (the order goes ``pending_cancel``, then takes the venue's answer)."""
        return Order.from_json(self._request("POST", f"/v1/orders/{urllib.parse.quote(order_id)}/cancel", body={}, idempotent=False))

    def report_order_event(
        self,
        order_id: str,
        type: str,
        *,
        broker_order_id: Optional[str] = None,
        reason: Optional[str] = None,
        quantity: Optional[DecimalLike] = None,
        limit_price: Optional[DecimalLike] = None,
        stop_price: Optional[DecimalLike] = None,
        at: Optional[TimeLike] = None,
    ) -> Order:
        """A lifecycle report from the bot: ``submitted``, ``open``, ``canceled``, ``rejected``, ..."""
        body = _compact({
            "type": type, "broker_order_id": broker_order_id, "reason": reason,
            "quantity": None if quantity is None else format_decimal(quantity, "quantity"),
            "limit_price": None if limit_price is None else format_decimal(limit_price, "limit_price"),
            "stop_price": None if stop_price is None else format_decimal(stop_price, "stop_price"),
            "at": None if at is None else format_time(at, "at"),
        })
        return Order.from_json(self._request("POST", f"/v1/orders/{urllib.parse.quote(order_id)}/events", body=body, idempotent=False))

    # ---- fills -------------------------------------------------------------------------------

    def record_fill(
        self,
        exec_id: str,
        quantity: DecimalLike,
        price: DecimalLike,
        *,
        order_id: Optional[str] = None,
        account_id: Optional[str] = None,
        client_order_id: Optional[str] = None,
        broker_order_id: Optional[str] = None,
        fee: Optional[DecimalLike] = None,
        fee_currency: Optional[str] = None,
        liquidity: Optional[str] = None,
        executed_at: Optional[TimeLike] = None,
        leg: Optional[int] = None,
    ) -> FillResult:
        """One execution, exactly once per ``exec_id``: a repeat with the same data is ``outcome="duplicate"``.

        Address the order by ``order_id``, or by ``account_id`` with ``client_order_id`` or ``broker_order_id``.
        """
        body = _compact({
            "exec_id": exec_id, "quantity": format_decimal(quantity, "quantity"), "price": format_decimal(price, "price"),
            "order_id": order_id, "account_id": account_id, "client_order_id": client_order_id, "broker_order_id": broker_order_id,
            "fee": None if fee is None else format_decimal(fee, "fee"), "fee_currency": fee_currency, "liquidity": liquidity,
            "executed_at": None if executed_at is None else format_time(executed_at, "executed_at"), "leg": leg,
        })
        return FillResult.from_json(self._request("POST", "/v1/fills", body=body, idempotent=True))

    def list_fills(
        self,
        account_id: Optional[str] = None,
        *,
        since: Optional[TimeLike] = None,
        until: Optional[TimeLike] = None,
        symbol: Optional[str] = None,
        order_id: Optional[str] = None,
        page_size: int = 100,
    ) -> Iterator[Fill]:
        """Fills, newest first (by execution time), page by page as the iterator advances."""
        params = {
            "account_id": account_id, "symbol": symbol, "order_id": order_id,
            "since": None if since is None else format_time(since, "since"), "until": None if until is None else format_time(until, "until"),
        }
        return self._pages("/v1/fills", params, page_size, Fill.from_json)

    def export_csv(self, kind: str, account_id: str, out: BinaryIO, *, since: Optional[TimeLike] = None, until: Optional[TimeLike] = None) -> int:
        """Streams ``GET /v1/exports/<kind>.csv`` (fills, orders or trades) into ``out``; returns the bytes written."""
        if kind not in ("fills", "orders", "trades"):
            raise ValueError("kind is one of fills, orders, trades")
        params = {"account_id": account_id, "since": None if since is None else format_time(since, "since"), "until": None if until is None else format_time(until, "until")}
        written = 0
        with self._open("GET", f"/v1/exports/{kind}.csv", params, None, True) as response:
            while True:
                chunk = response.read(EXPORT_CHUNK_BYTES)
                if not chunk:
                    return written
                out.write(chunk)
                written += len(chunk)

    # ---- holdings and reconciliation ---------------------------------------------------------

    def holdings(self, account_id: str) -> List[Holding]:
        """Net quantity and average cost per instrument, from every fill in the account."""
        return [Holding.from_json(h) for h in self._get("/v1/holdings", {"account_id": account_id})["data"]]

    def reconcile(self, account_id: str, actions: Optional[Sequence[str]] = None) -> ReconciliationRun:
        """Compares the ledger with the venue; a dry run unless ``actions`` are named."""
        body = _compact({"account_id": account_id, "actions": None if actions is None else list(actions)})
        return ReconciliationRun.from_json(self._request("POST", "/v1/reconciliations", body=body, idempotent=False))

    def get_reconciliation(self, run_id: str) -> ReconciliationRun:
        return ReconciliationRun.from_json(self._get(f"/v1/reconciliations/{urllib.parse.quote(run_id)}"))

    def list_reconciliations(self, account_id: str) -> List[ReconciliationRun]:
        return [ReconciliationRun.from_json(r) for r in self._get("/v1/reconciliations", {"account_id": account_id})["data"]]


def _leg(leg: Mapping[str, Any]) -> Dict[str, Any]:
    out = dict(leg)
    out["ratio"] = format_decimal(out["ratio"], "legs[].ratio")
    return out


__all__ = ["Client", "format_decimal", "RETRIES_MAX", "PAGE_SIZE_MAX"]
