"""Typed models of the Fillbook API's answers.

Quantities, prices, fees and P&L are :class:`decimal.Decimal` (read from the JSON's decimal strings,
never through a float); times are timezone-aware :class:`datetime.datetime` in UTC. Fields the
service adds later are ignored, so an older client keeps working.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Dict, Mapping, Optional, Tuple, Type, TypeVar

T = TypeVar("T")


def parse_time(value: Optional[str]) -> Optional[datetime]:
    if value is None:
        return None
    # datetime.fromisoformat reads a trailing "Z" only from Python 3.11 on.
    return datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)


def parse_decimal(value: Any) -> Optional[Decimal]:
    if value is None:
        return None
    if isinstance(value, float):
        raise TypeError("a decimal arrived as a binary float; Fillbook sends decimals as strings")
    return Decimal(value) if not isinstance(value, Decimal) else value


def _build(cls: Type[T], data: Mapping[str, Any], **nested: Any) -> T:
    """Builds a model from a JSON object: decimal and time fields converted, unknown keys ignored."""
    decimals = getattr(cls, "_decimals", frozenset())
    times = getattr(cls, "_times", frozenset())
    values: Dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in nested:
            values[f.name] = nested[f.name]
        elif f.name in data:
            v = data[f.name]
            if f.name in decimals:
                v = parse_decimal(v)
            elif f.name in times:
                v = parse_time(v)
            values[f.name] = v
    return cls(**values)  # type: ignore[call-arg]


def _fees(data: Mapping[str, Any]) -> Dict[str, Decimal]:
    return {currency: parse_decimal(amount) for currency, amount in (data.get("fees_by_currency") or {}).items()}  # type: ignore[misc]


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    venue: str
    base_currency: str
    venue_config: Dict[str, Any]
    created_at: datetime
    #: Read-only toward the venue: Fillbook reads and reconciles, never places or cancels.
    observe_only: bool = False
    #: New entries are refused while the latest reconciliation has unresolved findings.
    fail_closed: bool = True
    #: Set while fail_closed holds new entries back: ``{"run_id", "findings", "halted_at"}``.
    halted: Optional[Dict[str, Any]] = None
    #: Shown once, when the account is created; None afterwards.
    webhook_secret: Optional[str] = None

    _times = frozenset({"created_at"})

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Account":
        return _build(cls, data)


@dataclass(frozen=True)
class PositionLeg:
    symbol: str
    asset_class: str
    side: str
    qty_opened: Decimal
    qty_closed: Decimal
    qty_open: Decimal
    avg_open_price: Optional[Decimal]
    avg_close_price: Optional[Decimal]
    realized_pnl: Decimal

    _decimals = frozenset({"qty_opened", "qty_closed", "qty_open", "avg_open_price", "avg_close_price", "realized_pnl"})


@dataclass(frozen=True)
class Position:
    id: str
    account_id: str
    signal_id: str
    symbol: str
    asset_class: str
    side: str
    target_quantity: Decimal
    multiplier: Decimal
    status: str
    qty_open: Decimal
    qty_entered: Decimal
    qty_exited: Decimal
    avg_entry_price: Optional[Decimal]
    avg_exit_price: Optional[Decimal]
    #: Net of every fee paid on the position's orders.
    realized_pnl: Decimal
    fees: Decimal
    opened_at: Optional[datetime]
    closed_at: Optional[datetime]
    created_at: datetime
    #: What realized_pnl and fees are in.
    quote_currency: Optional[str] = None
    #: Every fee paid on the position's orders, per currency (never converted).
    fees_by_currency: Dict[str, Decimal] = field(default_factory=dict)
    legs: Optional[Tuple[PositionLeg, ...]] = None

    _decimals = frozenset({"target_quantity", "multiplier", "qty_open", "qty_entered", "qty_exited", "avg_entry_price", "avg_exit_price", "realized_pnl", "fees"})
    _times = frozenset({"opened_at", "closed_at", "created_at"})

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Position":
        legs = data.get("legs")
        return _build(cls, data, legs=None if legs is None else tuple(_build(PositionLeg, leg) for leg in legs), fees_by_currency=_fees(data))


@dataclass(frozen=True)
class Fill:
    id: str
    order_id: str
    exec_id: str
    quantity: Decimal
    price: Decimal
    fee: Decimal
    fee_currency: Optional[str]
    liquidity: Optional[str]
    executed_at: datetime
    received_at: datetime
    source: str
    #: A multi-leg order's leg (1-based); None for a single-instrument order.
    leg: Optional[int] = None
    # Set when the fill comes from list_fills: what it traded and whose order it is.
    account_id: Optional[str] = None
    symbol: Optional[str] = None
    asset_class: Optional[str] = None
    side: Optional[str] = None
    client_order_id: Optional[str] = None
    broker_order_id: Optional[str] = None
    role: Optional[str] = None
    position_id: Optional[str] = None
    signal_id: Optional[str] = None

    _decimals = frozenset({"quantity", "price", "fee"})
    _times = frozenset({"executed_at", "received_at"})

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Fill":
        return _build(cls, data)


@dataclass(frozen=True)
class OrderEvent:
    seq: int
    type: str
    source: str
    at: datetime
    recorded_at: datetime
    payload: Dict[str, Any]

    _times = frozenset({"at", "recorded_at"})


@dataclass(frozen=True)
class OrderLeg:
    symbol: str
    asset_class: str
    side: str
    ratio: Decimal
    position_effect: Optional[str]
    qty_filled: Decimal
    avg_fill_price: Optional[Decimal]

    _decimals = frozenset({"ratio", "qty_filled", "avg_fill_price"})


@dataclass(frozen=True)
class Order:
    id: str
    account_id: str
    position_id: Optional[str]
    client_order_id: str
    broker_order_id: Optional[str]
    role: str
    origin: str
    symbol: str
    asset_class: str
    side: str
    type: str
    time_in_force: str
    quantity: Decimal
    limit_price: Optional[Decimal]
    stop_price: Optional[Decimal]
    status: str
    status_reason: Optional[str]
    qty_filled: Decimal
    qty_remaining: Decimal
    avg_fill_price: Optional[Decimal]
    fees: Decimal
    fee_currency: Optional[str]
    version: int
    created_at: datetime
    updated_at: datetime
    submitted_at: Optional[datetime] = None
    accepted_at: Optional[datetime] = None
    first_fill_at: Optional[datetime] = None
    last_fill_at: Optional[datetime] = None
    completed_at: Optional[datetime] = None
    canceled_at: Optional[datetime] = None
    last_status_check_at: Optional[datetime] = None
    first_failed_at: Optional[datetime] = None
    last_retry_at: Optional[datetime] = None
    retry_count: int = 0
    amended_at: Optional[datetime] = None
    detected_at: Optional[datetime] = None
    #: Who places it at the venue: "fillbook" (submit=True) or "bot" (submit=False, or adopted).
    sent_by: Optional[str] = None
    #: In listings and get_order: the currency fees is in, and every fee per currency.
    quote_currency: Optional[str] = None
    fees_by_currency: Dict[str, Decimal] = field(default_factory=dict)
    legs: Optional[Tuple[OrderLeg, ...]] = None
    #: Filled in by get_order (the order's fills and its audit trail); empty in listings.
    fills: Tuple[Fill, ...] = field(default=())
    events: Tuple[OrderEvent, ...] = field(default=())

    _decimals = frozenset({"quantity", "limit_price", "stop_price", "qty_filled", "qty_remaining", "avg_fill_price", "fees"})
    _times = frozenset({
        "created_at", "updated_at", "submitted_at", "accepted_at", "first_fill_at", "last_fill_at", "completed_at", "canceled_at",
        "last_status_check_at", "first_failed_at", "last_retry_at", "amended_at", "detected_at",
    })

    @property
    def is_working(self) -> bool:
        """Whether the order can still trade."""
        return self.status in ("pending_submit", "submitted", "open", "partially_filled", "pending_cancel")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Order":
        legs = data.get("legs")
        return _build(
            cls,
            data,
            legs=None if legs is None else tuple(_build(OrderLeg, leg) for leg in legs),
            fills=tuple(Fill.from_json(f) for f in data.get("fills", ())),
            events=tuple(_build(OrderEvent, e) for e in data.get("events", ())),
            fees_by_currency=_fees(data),
        )


@dataclass(frozen=True)
class FillResult:
    #: "recorded" (new) or "duplicate" (the same exec id with the same data: nothing changed).
    outcome: str
    fill: Fill
    order: Order

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "FillResult":
        return cls(outcome=data["outcome"], fill=Fill.from_json(data["fill"]), order=Order.from_json(data["order"]))


@dataclass(frozen=True)
class Holding:
    account_id: str
    symbol: str
    asset_class: str
    net_quantity: Decimal
    avg_cost: Optional[Decimal]

    _decimals = frozenset({"net_quantity", "avg_cost"})

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Holding":
        return _build(cls, data)


@dataclass(frozen=True)
class Finding:
    seq: int
    category: str
    order_id: Optional[str]
    broker_order_id: Optional[str]
    symbol: Optional[str]
    details: Dict[str, Any]
    action_taken: Optional[str]


@dataclass(frozen=True)
class ReconciliationRun:
    id: str
    account_id: str
    started_by: str
    started_at: datetime
    finished_at: Optional[datetime]
    dry_run: bool
    actions: Tuple[str, ...]
    status: str
    summary: Dict[str, int]
    error: Optional[str]
    #: Present when the run is fetched by id, or just made; None in listings.
    findings: Optional[Tuple[Finding, ...]] = None

    _times = frozenset({"started_at", "finished_at"})

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ReconciliationRun":
        findings = data.get("findings")
        return _build(
            cls,
            data,
            actions=tuple(data.get("actions", ())),
            findings=None if findings is None else tuple(_build(Finding, f) for f in findings),
        )
